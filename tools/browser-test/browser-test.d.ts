import type { Browser, Page } from 'playwright-core';
export declare const CHROMIUM_FLAGS: readonly string[];
export declare const WEBGPU_FLAGS: readonly string[];
export declare function chromiumPath(): string;
export declare function launchChromium(options?: { readonly webgpu?: boolean }): Promise<Browser>;
export interface StaticServer {
  readonly url: string;
  readonly requests: { readonly path: string; readonly status: number }[];
  close(): Promise<void>;
}
export declare function serveStatic(
  root: string,
  options?: { readonly headers?: Record<string, string> },
): Promise<StaticServer>;
export declare function collectErrors(page: Page): string[];
export declare function buildPageSite(
  dir: string,
  entryPoints: readonly string[],
  options?: { readonly title?: string; readonly nodePaths?: readonly string[] },
): Promise<void>;
