// A tiny TCP forwarder for the two-node stack test: PostgreSQL and Redis listen on 127.0.0.1 only,
// which a network namespace cannot reach; this listens on the host side of each namespace's link and
// pipes every connection to the loopback service. Exits when the test process is gone.
//   node forwarder.mjs <test pid> <listen host>=<target port> ...
// Each listener takes a free port; one JSON line on stdout names them: {"<host>=<target>": port}.
import { connect, createServer } from 'node:net';

const [parentPid, ...specs] = process.argv.slice(2);
const ports = {};
const sockets = new Set();

function track(s) {
  sockets.add(s);
  s.once('close', () => sockets.delete(s));
}

await Promise.all(
  specs.map(
    (spec) =>
      new Promise((ok, fail) => {
        const [host, target] = spec.split('=');
        const server = createServer((client) => {
          const upstream = connect({ host: '127.0.0.1', port: Number(target) });
          track(client);
          track(upstream);
          client.setNoDelay(true);
          upstream.setNoDelay(true);
          client.pipe(upstream);
          upstream.pipe(client);
          const end = () => {
            client.destroy();
            upstream.destroy();
          };
          client.once('error', end);
          upstream.once('error', end);
          client.once('close', end);
          upstream.once('close', end);
        });
        server.once('error', fail);
        server.listen(0, host, () => {
          ports[spec] = server.address().port;
          ok();
        });
      }),
  ),
);
process.stdout.write(`${JSON.stringify(ports)}\n`);

setInterval(() => {
  try {
    process.kill(Number(parentPid), 0);
  } catch {
    for (const s of sockets) s.destroy();
    process.exit(0);
  }
}, 1000);
