export declare const repoRoot: string;
export declare const REPO_URL: string;
export interface PackageEntry {
  /** The import specifier: `@plasticity/optimizers-easgd/redis`. */
  readonly name: string;
  /** Its TypeScript source, relative to the repository root. */
  readonly source: string;
  /** Its API page, relative to the site root, without extension: `api/reference/optimizers-easgd.redis`. */
  readonly page: string;
}
export interface SitePackage {
  /** The folder under packages/. */
  readonly dir: string;
  readonly name: string;
  readonly description: string;
  /** The package page, relative to the site root, without extension: `packages/datasets`. */
  readonly page: string;
  readonly entries: readonly PackageEntry[];
}
export declare const packages: readonly SitePackage[];
