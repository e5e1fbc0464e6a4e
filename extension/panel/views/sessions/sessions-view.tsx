// Placeholder until the sessions view lands.
export function SessionsView() {
  return <div class="empty">Stored sessions will be listed here.</div>;
}
