import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { adoptExistingTables } from '../dynamodb/table-adoption';
import type { Archives, ArchiveState } from '../eventbridge/archives';
import type { EventSourceMappings } from '../lambda/event-source-mappings';
import type { SqsService } from '../sqs/sqs-service';
import { Persistence, type PersistedPart } from './persistence';
import { exportQueues, importQueues, type QueueState } from './queue-state';
import { openStateDir, type StateDir } from './state-dir';
import { PersistStateError, readStateFile, type CloudState } from './state-file';

/** Stream mappings' places: by `<function name> <stream ARN>`, each shard's last record handed on. */
type StreamCheckpoints = Record<string, Record<string, string>>;

/** What is restored into and saved from, once the app is deployed. */
export interface PersistedServices {
  readonly sqs: SqsService;
  readonly archives: Archives;
  readonly mappings: EventSourceMappings;
  readonly now: () => number;
  /** The flight recorder, when the cloud has one. */
  readonly recorder?: { readonly lastSeq: number; snapshot(): unknown; restore(data: unknown): void };
}

/**
 * `--persist <dir>` for one local cloud: opened (and locked) before anything starts, so an unusable
 * directory fails the start at once; DynamoDB Local keeps its database in it; after the deployment,
 * queues' messages, archives, the recorder and the stream mappings' places come back, and from then
 * on the state is saved (see Persistence for when).
 */
export class CloudPersistence {
  private readonly dir: StateDir;
  private readonly saved: CloudState | undefined;
  private readonly checkpoints: StreamCheckpoints;
  private readonly queues: QueueState[];
  private readonly archived: ArchiveState[];
  private persistence: Persistence | undefined;

  constructor(
    directory: string,
    private readonly log: (message: string) => void = () => undefined,
    private readonly intervalMs?: number,
  ) {
    this.dir = openStateDir(directory);
    try {
      this.saved = readStateFile(this.dir.path);
      // Checked now, before anything starts: a broken file fails the start, not the restore after a deployment.
      this.checkpoints = part(this.saved, 'streams', 'object', {}) as StreamCheckpoints;
      this.queues = part(this.saved, 'sqs', 'array', []) as QueueState[];
      this.archived = part(this.saved, 'archives', 'array', []) as ArchiveState[];
    } catch (error) {
      this.dir.release();
      throw error;
    }
  }

  get path(): string {
    return this.dir.path;
  }

  get dynamodbPath(): string {
    return this.dir.dynamodbPath;
  }

  /** For the stream mappings: where the same function's mapping of the same stream was when the state was saved. */
  readonly resumeAfter = (functionName: string, streamArn: string, shardId: string): string | undefined => this.checkpoints[`${functionName} ${streamArn}`]?.[shardId];

  /** The deployment's client of DynamoDB Local: tables kept from the last run are adopted, not created. */
  adoptTables(client: DynamoDBClient): void {
    adoptExistingTables(client);
  }

  /** Puts back what was saved (after the deployment: the app's queues and archives exist then) and starts saving. */
  restore(services: PersistedServices): void {
    const recorderState = this.saved?.parts['recorder'];
    // The recorder first: restoring it replaces what it holds, and the messages put back below are recorded as sent again.
    if (services.recorder !== undefined && recorderState !== undefined) {
      try {
        services.recorder.restore(recorderState);
      } catch (error) {
        throw new PersistStateError(`${this.dir.path}: the flight recorder's saved state: ${(error as Error).message}`);
      }
    }
    const queues = importQueues(services.sqs, this.queues, services.now());
    const archives = services.archives.importState(this.archived);
    for (const { queue, reason } of queues.failed) this.log(`persist: queue ${queue} not restored: ${reason}`);
    for (const { archive, reason } of archives.failed) this.log(`persist: archive ${archive} not restored: ${reason}`);
    if (this.saved !== undefined) {
      this.log(`persist: restored from ${this.dir.path} (saved ${this.saved.savedAt}): ${queues.messages} messages${queues.created > 0 ? ` (${queues.created} queues created again)` : ''}, ${archives.events} archived events, tables kept in DynamoDB Local's database`);
    }

    let sqsChanges = 0;
    services.sqs.onChange(() => sqsChanges++);
    const parts: PersistedPart[] = [
      {
        name: 'sqs',
        mark: () => `${sqsChanges} ${services.sqs.allQueues().map((q) => Object.values(q.approximate).join('/')).join(',')}`,
        save: () => exportQueues(services.sqs),
      },
      { name: 'archives', mark: () => services.archives.changes, save: () => services.archives.exportState() },
      { name: 'streams', mark: () => JSON.stringify(this.streamCheckpoints(services.mappings)), save: () => this.streamCheckpoints(services.mappings) },
      ...(services.recorder === undefined ? [] : [{ name: 'recorder', mark: () => services.recorder!.lastSeq, save: () => services.recorder!.snapshot() }]),
    ];
    this.persistence = new Persistence({ dir: this.dir, parts, log: this.log, ...(this.intervalMs === undefined ? {} : { intervalMs: this.intervalMs }) });
    this.persistence.start();
  }

  /** Writes now when anything changed (`force`: in any case). */
  async save(force = false): Promise<void> {
    await this.persistence?.save(force);
  }

  /** The last write, then the directory is free for the next start. */
  async stop(): Promise<void> {
    if (this.persistence === undefined) return this.dir.release();
    await this.persistence.stop();
  }

  /** The saved places, updated with where each running mapping is now (one not yet reading keeps its saved place). */
  private streamCheckpoints(mappings: EventSourceMappings): StreamCheckpoints {
    const out: StreamCheckpoints = { ...this.checkpoints };
    for (const runtime of mappings.streamRuntimes()) {
      const key = `${runtime.config.fn.name} ${runtime.config.streamArn}`;
      out[key] = { ...out[key], ...runtime.checkpoints() };
    }
    return out;
  }
}

/** A part of the saved state, checked for its JSON type (a hand-edited file fails clearly, not halfway). */
function part(state: CloudState | undefined, name: string, type: 'array' | 'object', fallback: unknown): unknown {
  const value = state?.parts[name];
  if (value === undefined) return fallback;
  const ok = type === 'array' ? Array.isArray(value) : value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!ok) throw new PersistStateError(`the saved state's "${name}" is not a JSON ${type}; move the state file away, or start with another --persist directory`);
  return value;
}
