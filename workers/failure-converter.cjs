// Failure messages and stack traces go into an encoded payload instead of clear fields, so the
// payload codec (codec.ts) encrypts them too: an error names files and dataset lines. Temporal
// loads this module by path with require() (the workflow bundle and each worker and client must
// use the same one), hence plain CommonJS. Clients decode either form.
/* global require, exports */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
