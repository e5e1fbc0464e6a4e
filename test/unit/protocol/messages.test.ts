import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CLIENT_MESSAGE_TYPES,
  MESSAGE_TYPES,
  SERVER_MESSAGE_TYPES,
  isClientMessageType,
  isMessageType,
  isServerMessageType,
  type AppSyncMessage,
  type DataMessage,
  type PublishFailureEntry,
  type PublishMessage,
} from '../../../src/protocol/messages.ts';

describe('message catalogue', () => {
  it('lists every type from reference section 3 exactly once', () => {
    expect([...MESSAGE_TYPES].sort()).toEqual(
      [
        'connection_init',
        'subscribe',
        'unsubscribe',
        'publish',
        'connection_ack',
        'ka',
        'connection_error',
        'subscribe_success',
        'subscribe_error',
        'data',
        'broadcast_error',
        'unsubscribe_success',
        'unsubscribe_error',
        'publish_success',
        'publish_error',
        'error',
      ].sort(),
    );
    expect(new Set(MESSAGE_TYPES).size).toBe(MESSAGE_TYPES.length);
    expect(CLIENT_MESSAGE_TYPES.length + SERVER_MESSAGE_TYPES.length).toBe(MESSAGE_TYPES.length);
  });

  it('guards by direction', () => {
    expect(isClientMessageType('publish')).toBe(true);
    expect(isServerMessageType('publish')).toBe(false);
    expect(isServerMessageType('ka')).toBe(true);
    expect(isMessageType('start_ack')).toBe(false);
    expect(isMessageType(undefined)).toBe(false);
    expect(isMessageType('toString')).toBe(false);
  });

  it('types the reference frames, extra fields included', () => {
    const publish: PublishMessage = {
      type: 'publish',
      id: 'ee849ef0-cf23-4cb8-9fcb-152ae4fd1e69',
      channel: '/namespaceA/subB/subC',
      events: ['{ "msg": "Hello World!" }'],
      authorization: { 'x-api-key': 'da2-12345678901234567890123456' },
      payload: { channel: 'default/test' },
    };
    const data: DataMessage = { id: 'sub', type: 'data', event: '{"a":1}' };
    const failures: PublishFailureEntry[] = [
      { code: 'EventTooLargeException', identifier: 'u', index: 0, message: 'Transformed event is larger than 240KB' },
      { code: 400, message: 'x' },
      { errorCode: 400, errorMessage: 'x' },
    ];
    const all: AppSyncMessage[] = [publish, data];
    expect(all).toHaveLength(2);
    expect(failures).toHaveLength(3);
    expectTypeOf<DataMessage['event']>().toEqualTypeOf<string>();
  });
});
