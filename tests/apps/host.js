// The test host page's script, bundled for the browser by run.mjs with esbuild.
//
// It does what an MCP Apps host does with a view: puts the HTML the server serves in a
// sandboxed iframe (scripts only, no same-origin, a CSP with no network), connects the
// SDK's host-side AppBridge to it over postMessage, answers the view's initialize with a
// host context (theme, style variables, the tool's definition), then sends the tool's
// input and its real result. Tool calls the view makes through the bridge go to
// run.mjs (window.groundedHostCallTool, exposed by Playwright), which records them,
// refuses any tool that is not read-only and forwards the rest to the binary.
import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";

// The CSP an MCP Apps host applies to a UI resource that declares no domains.
const CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; media-src 'self' data:; font-src 'self' data:; connect-src 'none'; " +
  "frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

function withCsp(html) {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${CSP}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length);
  return meta + html;
}

const state = (window.__host = {
  initialized: false,
  resultSent: false,
  appInfo: null,
  logs: [],
  sizes: [],
  error: null,
});

async function start() {
  const setup = await window.groundedHostSetup();
  document.documentElement.dataset.theme = setup.hostContext.theme;
  for (const [k, v] of Object.entries(setup.hostContext.styles?.variables ?? {})) {
    document.documentElement.style.setProperty(k, v);
  }

  const iframe = document.createElement("iframe");
  iframe.id = "view";
  iframe.title = setup.title;
  iframe.setAttribute("sandbox", "allow-scripts");
  document.getElementById("frame-slot").append(iframe);

  const bridge = new AppBridge(
    null,
    { name: "grounded-apps-test-host", version: "1.0.0" },
    { serverTools: {}, logging: {} },
    { hostContext: setup.hostContext },
  );
  bridge.oncalltool = async (params) => window.groundedHostCallTool(params);
  bridge.addEventListener("loggingmessage", (p) => state.logs.push(p));
  bridge.addEventListener("sizechange", ({ height }) => {
    state.sizes.push(height);
    if (typeof height === "number" && height > 0) iframe.style.height = `${Math.ceil(height)}px`;
  });
  bridge.addEventListener("initialized", async () => {
    state.initialized = true;
    state.appInfo = bridge.getAppVersion() ?? null;
    try {
      await bridge.sendToolInput({ arguments: setup.toolInput });
      await bridge.sendToolResult(setup.toolResult);
      state.resultSent = true;
    } catch (e) {
      state.error = String(e?.stack ?? e);
    }
  });

  // Connect before the view's document loads, so its ui/initialize is not missed.
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  iframe.srcdoc = withCsp(setup.html);
}

start().catch((e) => {
  state.error = String(e?.stack ?? e);
});
