import { StreamReader } from '../local/dynamodb/stream-reader';

/**
 * GetRecords requests the local cloud's stream mappings made: what DynamoDB bills as streams read
 * request units, except that reads by Lambda triggers are free (bench/prices.json). The local cloud
 * counts stream batches, not reads, and is not the benchmark's to change, so this counts the calls
 * of every stream reader in the process (the benchmark's clouds are its only ones).
 *
 * Not AWS's count: the local poller reads when a write is reported (and once a second otherwise),
 * Lambda polls each shard four times a second whether or not it holds records. At $0 either way.
 */
export const streamReads = { requests: 0 };

const records = StreamReader.prototype.records;
StreamReader.prototype.records = function (this: StreamReader, ...args: Parameters<StreamReader['records']>) {
  streamReads.requests++;
  return records.apply(this, args);
};
