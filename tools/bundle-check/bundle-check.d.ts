export declare const repoRoot: string;
export declare function isNodeBuiltin(specifier: string): boolean;
export interface BundleReport {
  readonly nodeBuiltins: { readonly specifier: string; readonly importer: string }[];
  readonly otherErrors: string[];
}
export declare function bundleForBrowser(source: string, resolveDir?: string): Promise<BundleReport>;
export declare function workspacePackages(): { readonly name: string; readonly dir: string }[];
export declare function browserEntries(): { readonly label: string; readonly source: string }[];
