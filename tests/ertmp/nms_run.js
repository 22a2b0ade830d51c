// node-media-server (npm, 4.4.3) on 127.0.0.1, as the Enhanced RTMP tests' server, with two
// additions made from outside its code:
//  - every connect command object it receives is printed: CONNECT-CMDOBJ {json};
//  - RECONNECT_AFTER_MS, RECONNECT_ON=publish|play and RECONNECT_TCURL (absent: no tcUrl) make it
//    send E-RTMP's onStatus NetConnection.Connect.ReconnectRequest that long after each publish or
//    play: SENDING-RECONNECT {info}; RECONNECT_TIMES=N: only for the first N of them.
// Usage: NMS_MODULES=DIR RTMP_PORT=N HTTP_PORT=M node nms_run.js
const path = require("path");
const mods = process.env.NMS_MODULES;
const Rtmp = require(path.join(mods, "node-media-server/src/protocol/rtmp.js"));
const NodeMediaServer = require(path.join(mods, "node-media-server"));
const port = +process.env.RTMP_PORT;
const config = {
  bind: "127.0.0.1",
  notify: { url: "" },
  auth: {
    play: false,
    publish: false,
    secret: "",
    jwt: { secret: "x", expiresIn: "1h", refreshExpiresIn: "1h", algorithm: "HS256", users: [] },
  },
  rtmp: { port },
  http: { port: +process.env.HTTP_PORT },
  webadmin: { enable: false },
  record: { auto: false, path: process.env.NMS_DIR + "/rec" },
  store: { path: process.env.NMS_DIR + "/store", maxHistory: 1 },
};
const tag = `[nms:${port}]`;
const connect = Rtmp.prototype.onConnect;
Rtmp.prototype.onConnect = function (m) {
  console.log(`${tag} CONNECT-CMDOBJ ` + JSON.stringify(m.cmdObj));
  return connect.call(this, m);
};
let armed = 0;
function arm(session, what) {
  const ms = +(process.env.RECONNECT_AFTER_MS || 0);
  if (!ms || (process.env.RECONNECT_ON || "publish") !== what) return;
  if (process.env.RECONNECT_TIMES && armed >= +process.env.RECONNECT_TIMES) return;
  armed++;
  setTimeout(() => {
    const info = { level: "status", code: "NetConnection.Connect.ReconnectRequest", description: "drained for a test" };
    if (process.env.RECONNECT_TCURL) info.tcUrl = process.env.RECONNECT_TCURL;
    console.log(`${tag} SENDING-RECONNECT ` + JSON.stringify(info));
    session.sendInvokeMessage(0, { cmd: "onStatus", transId: 0, cmdObj: null, info });
  }, ms);
}
for (const [what, name] of [["publish", "onPublish"], ["play", "onPlay"]]) {
  const orig = Rtmp.prototype[name];
  Rtmp.prototype[name] = function (m) {
    const r = orig.call(this, m);
    arm(this, what);
    return r;
  };
}
new NodeMediaServer(config).run();
