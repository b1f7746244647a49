/** A stream record as DynamoDB Streams' GetRecords returns it (DynamoDB Local's answer, unchanged). */
export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime?: number;
    Keys?: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
    SequenceNumber: string;
    SizeBytes?: number;
    StreamViewType?: string;
  };
}

export interface StreamShard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

/** An error DynamoDB (Local) answered with: its type (`ResourceNotFoundException`, ...) and message. */
export class StreamsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** A stream ARN's table and label; any region and account (DynamoDB Local's `ddblocal` ones, or the cloud's). */
export function parseStreamArn(arn: string): { table: string; label: string } | undefined {
  const match = /^arn:aws[a-zA-Z-]*:dynamodb:[^:]*:[^:]*:table\/([^/]+)\/stream\/(.+)$/.exec(arn);
  return match === null ? undefined : { table: match[1]!, label: match[2]! };
}

/**
 * Reads DynamoDB Local's streams for event source mappings: the Streams API (served by DynamoDB Local
 * under `DynamoDBStreams_20120810.*`) spoken as raw JSON, so the pollers need no SDK client. Stream
 * ARNs are DynamoDB Local's (`arn:aws:dynamodb:ddblocal:000000000000:...`); `localArn` turns the
 * cloud's ARN of a stream (region and account of the cloud) into it.
 */
export class StreamReader {
  constructor(private readonly endpoint: string) {}

  /** DynamoDB Local's ARN of the stream an ARN names, or undefined when the table has no such stream. */
  async localArn(arn: string): Promise<string | undefined> {
    const parsed = parseStreamArn(arn);
    if (parsed === undefined) return undefined;
    const candidate = `arn:aws:dynamodb:ddblocal:000000000000:table/${parsed.table}/stream/${parsed.label}`;
    try {
      await this.call('DynamoDBStreams_20120810.DescribeStream', { StreamArn: candidate, Limit: 1 });
      return candidate;
    } catch (error) {
      if (error instanceof StreamsError && (error.type === 'ResourceNotFoundException' || error.type === 'ValidationException')) return undefined;
      throw error;
    }
  }

  /** The stream's shards, oldest first (a parent before its children). */
  async shards(localArn: string): Promise<StreamShard[]> {
    const shards: StreamShard[] = [];
    let start: string | undefined;
    do {
      const answer = (await this.call('DynamoDBStreams_20120810.DescribeStream', { StreamArn: localArn, ...(start === undefined ? {} : { ExclusiveStartShardId: start }) })) as {
        StreamDescription?: { Shards?: StreamShard[]; LastEvaluatedShardId?: string; StreamStatus?: string };
      };
      shards.push(...(answer.StreamDescription?.Shards ?? []));
      start = answer.StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    return shards;
  }

  async iterator(localArn: string, shardId: string, type: 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER', sequenceNumber?: string): Promise<string | undefined> {
    const answer = (await this.call('DynamoDBStreams_20120810.GetShardIterator', {
      StreamArn: localArn,
      ShardId: shardId,
      ShardIteratorType: type,
      ...(sequenceNumber === undefined ? {} : { SequenceNumber: sequenceNumber }),
    })) as { ShardIterator?: string };
    return answer.ShardIterator;
  }

  /** Up to `limit` records; no next iterator once a closed shard is read to its end. */
  async records(iterator: string, limit: number): Promise<{ records: StreamRecord[]; next?: string }> {
    const answer = (await this.call('DynamoDBStreams_20120810.GetRecords', { ShardIterator: iterator, Limit: Math.min(limit, 1000) })) as { Records?: StreamRecord[]; NextShardIterator?: string };
    return { records: answer.Records ?? [], ...(answer.NextShardIterator === undefined ? {} : { next: answer.NextShardIterator }) };
  }

  private async call(target: string, body: unknown): Promise<unknown> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': target,
        // DynamoDB Local wants a signature's shape (the credential scope), not a valid signature.
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200) {
      const type = String(answer['__type'] ?? 'InternalServerError');
      throw new StreamsError(type.slice(type.indexOf('#') + 1), String(answer['Message'] ?? answer['message'] ?? ''));
    }
    return answer;
  }
}
