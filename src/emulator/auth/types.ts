// Shared result type of every auth-mode checker.

export type AuthOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };
