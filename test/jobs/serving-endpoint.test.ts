import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import { servesModel } from '../../activities/jobs/serving.js';

// An endpoint.json left by an earlier server of the same job name points at a port that another
// server may hold by now: that one answers, but lists another model, so it does not count.
void it('a student endpoint counts only when its server lists the model endpoint.json names', async () => {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ object: 'list', data: [{ id: '/weights/sim-sft-b' }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  try {
    assert.equal(await servesModel({ baseURL, model: '/weights/sim-sft-b' }), true);
    assert.equal(await servesModel({ baseURL, model: '/weights/sim-sft-a' }), false);
  } finally {
    await new Promise((r) => server.close(r));
  }
  assert.equal(await servesModel({ baseURL, model: '/weights/sim-sft-b' }), false, 'nothing listens');
});
