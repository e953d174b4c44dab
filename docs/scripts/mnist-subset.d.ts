export declare const SUBSET_FOLDER: string;
export declare const DEFAULT_OUT: string;
export declare const SHARED_MNIST_DIR: string;
export type MnistRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';
export declare function sourceFolders(): string[];
export declare function canonicalMd5s(): Record<MnistRole, string>;
export declare function findMnist(
  folders: readonly string[],
  md5s?: Readonly<Record<MnistRole, string>>,
): Promise<{ folder: string; files: Record<MnistRole, string> } | { reasons: string[]; files?: undefined }>;
export interface SubsetManifest {
  readonly dataset: 'mnist';
  readonly train: number;
  readonly test: number;
  readonly note: string;
  readonly files: { readonly name: string; readonly bytes: number }[];
}
export declare function writeSubset(
  files: Readonly<Record<MnistRole, string>>,
  out: string,
  options?: { readonly train?: number; readonly test?: number },
): Promise<SubsetManifest>;
