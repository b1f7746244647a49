import { strToU8, zipSync } from 'fflate';
import { CodeStore } from '../lambda/function-code';
import { ResourceProviderError, type AssetResolver, type FunctionCodeLocation } from './provider';

/**
 * Function code from a cloud assembly (`cdk.out`): the template's `Code.S3Key` names an asset whose
 * folder is used as it is, unzipped (the fast boot path, which publishes nothing).
 */
export function assemblyAssets(assetsByObjectKey: ReadonlyMap<string, string>): AssetResolver {
  return async (code, functionName) => {
    const directory = typeof code.S3Key === 'string' ? assetsByObjectKey.get(code.S3Key) : undefined;
    if (directory !== undefined) return directory;
    if (code.ZipFile !== undefined) throw new ResourceProviderError(`function ${functionName}: inline function code (Code.ZipFile) is not supported by the local cloud`);
    throw new ResourceProviderError(`function ${functionName}: the function's code is not a local asset of the cloud assembly`);
  };
}

/**
 * Function code as a real deployment gives it: a zip in S3 (the CDK bootstrap's asset bucket, where
 * `cdk deploy` published it), unpacked into a task root of `store`; or inline `Code.ZipFile` source,
 * which Lambda saves as `index.js`.
 */
export function s3Assets(getObject: (bucket: string, key: string) => Uint8Array | undefined, store: CodeStore = new CodeStore()): AssetResolver {
  return async (code: FunctionCodeLocation, functionName) => {
    if (code.ZipFile !== undefined) return store.unpack(zipSync({ 'index.js': strToU8(String(code.ZipFile)) }), functionName).directory;
    if (code.S3Bucket === undefined || code.S3Key === undefined) throw new ResourceProviderError('Property validation failure: [Code must have either ZipFile, or S3Bucket and S3Key, or ImageUri]');
    let zip: Uint8Array | undefined;
    try {
      zip = getObject(code.S3Bucket, code.S3Key);
    } catch {
      zip = undefined;
    }
    if (zip === undefined) throw new ResourceProviderError(`Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.`);
    return store.unpack(zip, functionName).directory;
  };
}
