// Frames exactly as the protocol reference quotes them (sections 2, 3, 4 and 9.5), including
// Amplify's extra payload fields, its key order, and LIVE failed-entry shapes. Ids the
// reference elides with "…" are filled with stable placeholders.

export const SUB_ID = '176be735-5f3a-4c1e-9d2b-0a1b2c3d4e5f';
export const PUB_ID = '2a01fbdf-6b7c-4d8e-9f0a-1b2c3d4e5f60';
const DOC_ID = 'ee849ef0-cf23-4cb8-9fcb-152ae4fd1e69';
const AMPLIFY_AUTH = {
  host: '127.0.0.1:36433',
  'x-amz-date': '20261127T170949Z',
  'x-api-key': 'da2-test',
  'x-amz-user-agent': 'aws-amplify/6.22.1 framework/100',
};

export const frames = {
  // 2.3
  connectionInit: '{ "type": "connection_init" }',
  connectionInitCompact: '{"type":"connection_init"}',
  connectionAck: '{ "type": "connection_ack", "connectionTimeoutMs": 300000 }',
  connectionError:
    '{"type":"connection_error","errors":[{"errorType":"UnauthorizedException","message":"You are not authorized to make this call.","errorCode":401}]}',
  // 2.4
  ka: '{ "type": "ka" }',
  // 3.2
  subscribeDoc: JSON.stringify({
    type: 'subscribe',
    id: DOC_ID,
    channel: '/namespaceA/subB/subC',
    authorization: {
      'x-api-key': 'da2-12345678901234567890123456',
      host: 'example1234567890000.appsync-api.us-east-1.amazonaws.com',
    },
  }),
  unsubscribeDoc: `{"type":"unsubscribe","id":"${DOC_ID}"}`,
  publishDoc: JSON.stringify({
    type: 'publish',
    id: DOC_ID,
    channel: '/namespaceA/subB/subC',
    events: ['{ "msg": "Hello World!" }'],
    authorization: { 'x-api-key': 'da2-12345678901234567890123456' },
  }),
  // 3.3
  subscribeSuccess: `{"id":"${SUB_ID}","type":"subscribe_success"}`,
  subscribeError: `{"type":"subscribe_error","id":"${DOC_ID}","errors":[{"errorType":"SubscriptionProcessingError","message":"There was an error processing the operation"}]}`,
  data: `{"id":"${SUB_ID}","type":"data","event":"{\\"a\\":1}"}`,
  dataDocsArray: `{"id":"${SUB_ID}","type":"data","event":["\\"my event content\\""]}`,
  broadcastError: `{"type":"broadcast_error","id":"${DOC_ID}","errors":[{"errorType":"MessageProcessingError","message":"There was an error processing the message"}]}`,
  unsubscribeSuccess: `{"type":"unsubscribe_success","id":"${DOC_ID}"}`,
  unsubscribeError: `{"type":"unsubscribe_error","id":"${DOC_ID}","errors":[{"errorType":"UnknownOperationError","message":"Unknown operation id ${DOC_ID}"}]}`,
  publishSuccess: `{"id":"${DOC_ID}","type":"publish_success","successful":[{"identifier":"221b6b3f-1111-2222-3333-444455556666","index":0}],"failed":[]}`,
  publishSuccessLiveFailed: `{"id":"${DOC_ID}","type":"publish_success","successful":[],"failed":[{"code":"EventTooLargeException","identifier":"9d2b0a1b-1111-2222-3333-444455556666","index":0,"message":"Transformed event is larger than 240KB"}]}`,
  publishSuccessAndroidFailed: `{"id":"${DOC_ID}","type":"publish_success","successful":[],"failed":[{"code":400,"message":"bad","identifier":"x","index":1}]}`,
  publishSuccessSwiftFailed: `{"id":"${DOC_ID}","type":"publish_success","successful":[],"failed":[{"errorCode":400,"errorMessage":"bad","identifier":"x","index":2}]}`,
  publishError: `{"id":"${DOC_ID}","type":"publish_error","errors":[{"errorType":"UnauthorizedException","message":"You are not authorized to make this call."}]}`,
  error: '{"type":"error","errors":[{"errorType":"UnsupportedOperation","message":"Operation not supported through the realtime channel"}]}',
  // 9.5 (Amplify 6.22.1, key order as captured)
  amplifySubscribe: JSON.stringify({
    id: SUB_ID,
    channel: 'default/test',
    authorization: AMPLIFY_AUTH,
    payload: { channel: 'default/test', extensions: { authorization: AMPLIFY_AUTH } },
    type: 'subscribe',
  }),
  amplifyPublish: JSON.stringify({
    id: PUB_ID,
    channel: 'default/test',
    events: ['{"hello":"ws"}'],
    authorization: AMPLIFY_AUTH,
    payload: { events: ['{"hello":"ws"}'], channel: 'default/test', extensions: { authorization: AMPLIFY_AUTH } },
    type: 'publish',
  }),
  amplifyPublishSuccess: `{"id":"${PUB_ID}","type":"publish_success","successful":[{"identifier":"53287bee-ae0d-42e7-8a90-e9d2a49e4bd7","index":0}],"failed":[]}`,
  amplifyData: `{"id":"${SUB_ID}","type":"data","event":"{\\"hello\\":\\"ws\\"}"}`,
  amplifyUnsubscribe: `{"id":"${SUB_ID}","type":"unsubscribe"}`,
} as const;

export const http = {
  // 4
  publishDocBody: '{"channel":"default/channel","events":["{\\"event_1\\":\\"data_1\\"}","{\\"event_2\\":\\"data_2\\"}"]}',
  // 9.6
  publishAmplifyBody: '{"channel":"/default/test","events":["{\\"a\\":1}","\\"two\\""]}',
  successBody: '{ "failed": [], "successful": [ { "identifier": "53287bee-ae0d-42e7-8a90-e9d2a49e4bd7", "index": 0 } ] }',
  liveFailedBody:
    '{"failed":[{"code":"EventTooLargeException","identifier":"9d2b0a1b-1111-2222-3333-444455556666","index":0,"message":"Transformed event is larger than 240KB"}],"successful":[]}',
  errorsBody: '{"errors":[{"errorType":"UnauthorizedException","message":"You are not authorized to make this call."}]}',
} as const;
