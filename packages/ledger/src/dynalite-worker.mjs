// The embedded database on a thread of its own (see embedded.ts `thread`): dynalite, with the options the
// parent passes, listens on a loopback port chosen by the OS, tells the parent the port, and closes when the
// parent says `stop`.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const server = dynalite(workerData);
server.once('error', (e) => parentPort.postMessage({ error: String(e?.message ?? e) }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  server.closeAllConnections?.();
  server.close(() => parentPort.postMessage({ stopped: true }));
});
