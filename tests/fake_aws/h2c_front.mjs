// h2c_front.mjs - lets the HTTP/1.1-only emulator answer clients that speak
// cleartext HTTP/2 with prior knowledge (h2c), as the AWS SDK for JavaScript's
// default Bedrock runtime handler (NodeHttp2Handler) does for an http://
// endpoint; Cline CLI 1.x and 2.x call the runtime that way.
//
// One loopback port serves both: a connection that opens with the HTTP/2
// preface goes to Node's own HTTP/2 server, where every stream becomes one
// HTTP/1.1 request to the emulator (server.py); any other connection is
// spliced byte for byte to the emulator. The emulator still verifies every
// signature itself: the stream's :authority travels as Host plus the marker
// header x-fake-aws-h2c, so it can check a signature that names :authority
// (the SDK signs :authority, not host, over HTTP/2).
//
// Node's standard library only. Started by server.py --h2c (see README.md):
//   node h2c_front.mjs --backend PORT --port-file FILE
import fs from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
// Connection-specific headers are not allowed over HTTP/2 (RFC 9113 8.2.2).
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "").replace(/-/g, "_");
    args[name] = argv[i + 1];
  }
  if (!args.backend || !args.port_file) {
    console.error("usage: node h2c_front.mjs --backend PORT --port-file FILE");
    process.exit(2);
  }
  return { backend: Number(args.backend), portFile: args.port_file };
}

const { backend, portFile } = parseArgs(process.argv.slice(2));
const backendAgent = new http.Agent({ keepAlive: true });

function forwardStream(stream, headers) {
  const outHeaders = { "x-fake-aws-h2c": "1" };
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(":")) outHeaders[name] = value;
  }
  outHeaders.host = headers[":authority"] || "127.0.0.1";
  const request = http.request({
    host: "127.0.0.1", port: backend, method: headers[":method"], path: headers[":path"],
    headers: outHeaders, agent: backendAgent,
  }, (response) => {
    const answer = { ":status": response.statusCode };
    for (const [name, value] of Object.entries(response.headers)) {
      if (!HOP_BY_HOP.has(name)) answer[name] = value;
    }
    if (stream.destroyed) {
      response.resume();
      return;
    }
    stream.respond(answer);
    response.pipe(stream);
  });
  request.on("error", () => {
    if (!stream.destroyed && !stream.headersSent) stream.respond({ ":status": 502 });
    if (!stream.destroyed) stream.end();
  });
  stream.on("error", () => request.destroy());
  stream.pipe(request);
}

const h2 = http2.createServer();
h2.on("stream", forwardStream);
h2.on("sessionError", () => {});
// A client that is done with a connection sends GOAWAY while its last stream
// may still be open (the JS SDK does so as soon as the response headers
// arrive).  Node's server answers with a GOAWAY of its own at once, and the
// SDK (1.x/2.x Cline's, among others) destroys the session on any GOAWAY,
// cutting the rest of a streamed answer.  AWS lets the open streams finish:
// so does this front (the connection ends when the client closes it).
h2.on("session", (session) => {
  session.close = () => {};
});

// Node's HTTP/2 server reads a socket's native handle directly, so bytes
// already read to sniff the preface cannot be pushed back: the HTTP/2 server
// listens on a port of its own and is reached by splicing too.
function splice(socket, head, port) {
  const upstream = net.connect(port, "127.0.0.1", () => {
    upstream.write(head);
    socket.pipe(upstream);
    upstream.pipe(socket);
    socket.resume();
  });
  upstream.setNoDelay(true);
  const close = () => { socket.destroy(); upstream.destroy(); };
  upstream.on("error", close);
  socket.on("error", close);
  upstream.on("close", close);
  socket.on("close", close);
}

const front = net.createServer((socket) => {
  socket.setNoDelay(true);
  let head = Buffer.alloc(0);
  const onData = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const n = Math.min(head.length, PREFACE.length);
    const isH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (isH2 && head.length < PREFACE.length) return;
    socket.removeListener("data", onData);
    socket.pause();
    splice(socket, head, isH2 ? h2.address().port : backend);
  };
  socket.on("data", onData);
  socket.on("error", () => {});
});

h2.listen(0, "127.0.0.1", () => front.listen(0, "127.0.0.1", () => {
  const tmp = portFile + ".tmp";
  fs.writeFileSync(tmp, `${front.address().port}\n`);
  fs.renameSync(tmp, portFile);
}));
// Exit with the emulator: it holds our stdin open and closes it when it ends.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
