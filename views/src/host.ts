// A small view-side client for the MCP Apps protocol (io.modelcontextprotocol/ui,
// spec 2026-01-26), wire-compatible with the `App` class of
// @modelcontextprotocol/ext-apps 2.0.4.
//
// Why not `App` itself: bundling it pulls in @modelcontextprotocol/client's
// Protocol (the full MCP schemas of two protocol revisions) and zod; even with
// tree-shaking and minification that is ~240 KB per view, over the 150 KB
// budget of each built file. This module speaks the same JSON-RPC 2.0 over
// postMessage (ui/initialize -> ui/notifications/initialized, tool-input,
// tool-result, host-context-changed, tools/call, ui/open-link, size-changed,
// ping, ui/resource-teardown) with the same method names and the same
// auto-resize rule, and keeps App's surface (connect, ontoolresult,
// callServerTool, openLink, getHostContext, onhostcontextchanged), so swapping
// `App` back in is a one-line change. The three style helpers below do what the
// SDK's applyDocumentTheme / applyHostStyleVariables / applyHostFonts do (the same
// attribute, properties and element id), which cannot be imported alone: the SDK's
// entry builds its schemas when loaded. tests/apps/ drives these views with the
// SDK's own host-side AppBridge in Chromium, so the wire protocol is checked in CI.
import type {
  McpUiHostContext,
  McpUiTheme,
} from "@modelcontextprotocol/ext-apps";

export type HostContext = McpUiHostContext;

/** What a tools/call answers (CallToolResult), loosely typed: views read it defensively. */
export interface ToolResult {
  content?: Array<{ type: string; text?: string; [k: string]: unknown }>;
  structuredContent?: any;
  isError?: boolean;
  _meta?: Record<string, any>;
  [k: string]: unknown;
}

const PROTOCOL_VERSION = "2026-01-26";
const REQUEST_TIMEOUT_MS = 60_000;

interface Pending {
  resolve: (v: any) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class App {
  private nextId = 1;
  private pending = new Map<number | string, Pending>();
  private hostContext: HostContext = {};
  private connected = false;
  private target: Window;

  ontoolresult?: (result: ToolResult) => void;
  ontoolinput?: (params: { arguments?: Record<string, unknown> }) => void;
  ontoolcancelled?: (params: { reason?: string }) => void;
  onhostcontextchanged?: (ctx: HostContext) => void;
  onteardown?: () => void;

  constructor(
    private appInfo: { name: string; version: string },
    target?: Window,
  ) {
    this.target = target ?? window.parent;
  }

  /** True when there is a host (we are framed). */
  get hasHost(): boolean {
    return this.target !== window;
  }

  getHostContext(): HostContext {
    return this.hostContext;
  }

  async connect(): Promise<void> {
    window.addEventListener("message", this.onMessage);
    const res = await this.request("ui/initialize", {
      appCapabilities: {},
      appInfo: this.appInfo,
      protocolVersion: PROTOCOL_VERSION,
    });
    this.hostContext = (res && res.hostContext) || {};
    this.post({ jsonrpc: "2.0", method: "ui/notifications/initialized" });
    this.connected = true;
    this.setupSizeChangedNotifications();
  }

  callServerTool(params: {
    name: string;
    arguments?: Record<string, unknown>;
  }): Promise<ToolResult> {
    return this.request("tools/call", params);
  }

  openLink(params: { url: string }): Promise<{ isError?: boolean }> {
    return this.request("ui/open-link", params);
  }

  sendSizeChanged(params: { width?: number; height?: number }): void {
    this.post({
      jsonrpc: "2.0",
      method: "ui/notifications/size-changed",
      params,
    });
  }

  /** Same rule as App.setupSizeChangedNotifications in the SDK. */
  setupSizeChangedNotifications(): () => void {
    let scheduled = false;
    let lastW = 0;
    let lastH = 0;
    const measure = () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        const el = document.documentElement;
        const prev = el.style.height;
        el.style.height = "max-content";
        const h = Math.ceil(el.getBoundingClientRect().height);
        el.style.height = prev;
        const w = Math.ceil(window.innerWidth);
        if (w !== lastW || h !== lastH) {
          lastW = w;
          lastH = h;
          this.sendSizeChanged({ width: w, height: h });
        }
      });
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(document.documentElement);
    ro.observe(document.body);
    return () => ro.disconnect();
  }

  private post(msg: unknown): void {
    this.target.postMessage(msg, "*");
  }

  private request(method: string, params: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from the host`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.post({ jsonrpc: "2.0", id, method, params });
    });
  }

  private onMessage = (ev: MessageEvent) => {
    if (ev.source !== this.target) return;
    const m = ev.data;
    if (!m || typeof m !== "object" || m.jsonrpc !== "2.0") return;
    if (m.method === undefined && m.id !== undefined) {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error) p.reject(new Error(m.error.message || "host error"));
      else p.resolve(m.result);
      return;
    }
    if (typeof m.method !== "string") return;
    if (m.id !== undefined) {
      this.answer(m.id, m.method);
      return;
    }
    const params = m.params || {};
    try {
      switch (m.method) {
        case "ui/notifications/tool-result":
          this.ontoolresult?.(params);
          break;
        case "ui/notifications/tool-input":
          this.ontoolinput?.(params);
          break;
        case "ui/notifications/tool-cancelled":
          this.ontoolcancelled?.(params);
          break;
        case "ui/notifications/host-context-changed":
          this.hostContext = { ...this.hostContext, ...params };
          this.onhostcontextchanged?.(params);
          break;
      }
    } catch (e) {
      console.error("[grounded view]", e);
    }
  };

  private answer(id: number | string, method: string): void {
    if (method === "ping") {
      this.post({ jsonrpc: "2.0", id, result: {} });
    } else if (method === "ui/resource-teardown") {
      try {
        this.onteardown?.();
      } finally {
        this.post({ jsonrpc: "2.0", id, result: {} });
      }
    } else {
      this.post({
        jsonrpc: "2.0",
        id,
        error: { code: -32601, message: `Method not found: ${method}` },
      });
    }
  }

  get isConnected(): boolean {
    return this.connected;
  }
}

// --- The SDK's style helpers (ext-apps 2.0.4, dist/src/app.js), verbatim in behaviour.

export function applyDocumentTheme(theme: McpUiTheme): void {
  const root = document.documentElement;
  root.setAttribute("data-theme", theme);
  root.style.colorScheme = theme;
}

export function applyHostStyleVariables(
  styles: Record<string, string | undefined>,
  root: HTMLElement = document.documentElement,
): void {
  for (const [key, value] of Object.entries(styles)) {
    if (value !== undefined) root.style.setProperty(key, value);
  }
}

export function applyHostFonts(fontCss: string): void {
  if (document.getElementById("__mcp-host-fonts")) return;
  const style = document.createElement("style");
  style.id = "__mcp-host-fonts";
  style.textContent = fontCss;
  document.head.appendChild(style);
}

/** Apply whatever of theme, variables and fonts the host context carries. */
export function applyHostContext(ctx: HostContext | undefined): void {
  if (!ctx) return;
  if (ctx.theme === "light" || ctx.theme === "dark") applyDocumentTheme(ctx.theme);
  const styles = ctx.styles as
    | { variables?: Record<string, string | undefined>; css?: { fonts?: string } }
    | undefined;
  if (styles?.variables) applyHostStyleVariables(styles.variables);
  if (styles?.css?.fonts) applyHostFonts(styles.css.fonts);
}
