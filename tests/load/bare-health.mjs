// A bare node:http server answering GET /api/v1/health with the API's JSON, for the comparison in
// health-compare.ts. WORKERS=2 runs it as a node:cluster of two workers (the PM2 cluster's shape).
import cluster from 'node:cluster';
import http from 'node:http';

const workers = Number(process.env.WORKERS || 1);
if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  const body = JSON.stringify({ status: 'ok' });
  http
    .createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    })
    .listen(Number(process.env.PORT), '127.0.0.1');
}
