/**
 * Two or more sync server processes serving the same reports through Redis: the
 * Hocuspocus Redis extension, with a client's updates sent straight to the other
 * processes.
 *
 * As published (4.7), the extension announces every change with a state vector (sync
 * step 1) and each other process answers with its own; only the third message,
 * computed against that answer, carries the update: three Redis hops and two state
 * diffs per change. Here the updates clients made are relayed as they are, one hop:
 * at the end of an event-loop turn, one Redis message per report carries that turn's
 * updates (a relay batch, below), all reports' messages in one pipeline (one write to
 * Redis), sent as soon as this process has committed them, ahead of its own fan-out to
 * its clients. A receiving process applies a batch in ONE Yjs transaction, so it costs one
 * 'update' event, one change hook and one entry in Hocuspocus's broadcast, whatever
 * the number of updates in it — and neither side runs `Y.mergeUpdates` (which the
 * relay used to do per report and turn, ~2.5 % of a server's CPU at 1,000 members).
 *
 * Repair. Redis pub/sub delivers at most once: a message is lost for a process whose
 * connection to Redis is down when it is published (a network cut, a Redis restart, an
 * output buffer over its limit). Such a process asks for the extension's state-vector
 * exchange (sync step 1 and 2 with every other process, both ways) for every report it
 * holds as soon as its connections are back. Each batch also carries a sequence
 * number per report and sender; a process that sees one skipped asks for the exchange
 * for that report, and so does one that could not apply a batch. The exchange used to
 * run once a second per report and process whether anything was lost or not (four
 * Redis messages, two state diffs and two applies: ~6 % of a server's CPU at 1,000
 * members), and it missed a loss that outlasted that second: its own messages were
 * lost as well, and nothing asked again.
 *
 * Every publish goes through the outbox: no other process sees an update before this
 * one has committed it.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { isTransactionOrigin, OutgoingMessage, type afterLoadDocumentPayload, type afterUnloadDocumentPayload, type Document, type Extension, type onAwarenessUpdatePayload, type onChangePayload } from '@hocuspocus/server';
import { dropMisplacedWaiting } from './neighbour-order-guard.ts';
import type { DurableOutbox } from './durable-outbox.ts';
import { isIncomingCopy } from '../../../shared/report-id.ts';

/**
 * First byte of a relay batch. The extension's own messages start with the length of
 * the sender's identifier (`host-<uuid>`, never 0), so a 0 cannot be one of them.
 */
const RELAY_BATCH = 0;

export interface RelayBatch {
  /** The publishing process (the extension's `identifier`). */
  sender: string;
  reportId: string;
  /** 1, 2, 3… per sender and report. */
  seq: number;
  /** Yjs v1 updates, in the order the publishing process applied them. */
  updates: Uint8Array[];
}

/** [0] varString sender, varString report id, varUint seq, varUint count, count × varUint8Array update. */
export function encodeRelayBatch(batch: RelayBatch): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeUint8(encoder, RELAY_BATCH);
  encoding.writeVarString(encoder, batch.sender);
  encoding.writeVarString(encoder, batch.reportId);
  encoding.writeVarUint(encoder, batch.seq);
  encoding.writeVarUint(encoder, batch.updates.length);
  for (const update of batch.updates) encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** A relay batch, or null when the message is one of the extension's own. Throws on a damaged batch. */
export function decodeRelayBatch(message: Uint8Array): RelayBatch | null {
  if (message.length === 0 || message[0] !== RELAY_BATCH) return null;
  const decoder = decoding.createDecoder(message);
  decoding.readUint8(decoder);
  const sender = decoding.readVarString(decoder);
  const reportId = decoding.readVarString(decoder);
  const seq = decoding.readVarUint(decoder);
  const count = decoding.readVarUint(decoder);
  const updates: Uint8Array[] = [];
  for (let i = 0; i < count; i++) updates.push(decoding.readVarUint8Array(decoder));
  if (decoder.pos !== message.length) throw new Error('Trailing bytes after a relay batch.');
  return { sender, reportId, seq, updates };
}

/**
 * The last batch seen from each sender, per report. `see` says whether batches were
 * skipped (lost) before this one. The first batch seen from a sender sets the start:
 * what it published before reached this process with the report's initial exchange.
 * A repeat (a command ioredis resent after a reconnect) is no gap.
 */
export class RelaySequences {
  private readonly last = new Map<string, Map<string, number>>();

  see(reportId: string, sender: string, seq: number): 'in-order' | 'gap' {
    let senders = this.last.get(reportId);
    if (!senders) this.last.set(reportId, senders = new Map());
    const last = senders.get(sender);
    if (last === undefined || seq > last) senders.set(sender, seq);
    return last !== undefined && seq > last + 1 ? 'gap' : 'in-order';
  }

  /** The report was unloaded here: its next load starts afresh. */
  forget(reportId: string): void {
    this.last.delete(reportId);
  }
}

type Subscriber = (channel: Buffer, message: Buffer) => unknown;

/** The published extension's internals this one reuses (private in its typings). */
interface RedisInternals {
  /** Reports loaded or loading here, so a batch reaching a report still loading is kept. */
  documents: Map<string, Document>;
  handleIncomingMessage: Subscriber;
  pubKey(documentName: string): string;
  encodeMessage(message: Uint8Array): Buffer;
  replyKey(identifier: string): string;
  /** The subscription to this process's reply channel, made once, as the extension is made. */
  replySubscription: Promise<void>;
  /** Publishes a query: every other process answers with the presence it holds of the report. */
  requestAwarenessFromOtherInstances(documentName: string): Promise<unknown>;
}

/** Loaded only when asked for: ioredis and redlock double the server's start-up time. */
export interface RedisRelayOptions {
  url: string;
  /** Holds every publish while a commit is open. */
  outbox: DurableOutbox;
  /** False for a report whose commit failed: its updates are not relayed (they are not stored). */
  isStored: (reportId: string) => boolean;
  /** A batch could not be read or applied, or resubscribing failed (logged). */
  onRelayRefused: (reason: string) => void;
  /** Text waiting here that a relayed batch would have let in misplaced was dropped (neighbour-order-guard.ts). */
  onWaitingDropped?: (reportId: string, clients: number[]) => void;
  /** A connection to Redis was lost (`reason`), or is back (null): once each way per outage. */
  onRedisLink?: (connection: 'publishing' | 'subscribing', reason: string | null) => void;
  /** How long a report stays loaded after its last connection left (the extension's default: 1 s). */
  unloadDelayMs?: number;
  /** Redis did not take this process's goodbye (`reason`): its connections were dropped instead. */
  onGoodbyeFailed?: (reason: string) => void;
  /** How long stopping waits for Redis to take the goodbye (default 2 s). */
  goodbyeWaitMs?: number;
}

export async function redisExtension({ url, outbox, isStored, onRelayRefused, onWaitingDropped, onRedisLink, unloadDelayMs, onGoodbyeFailed, goodbyeWaitMs = 2_000 }: RedisRelayOptions): Promise<Extension> {
  const { Redis } = await import('@hocuspocus/extension-redis');
  const parsed = new URL(url);
  const prefix = 'plenary';

  class UpdateRelayingRedis extends Redis {
    /** Clients' updates of this turn, per report, relayed at its end. */
    private readonly relays = new Map<string, Uint8Array[]>();
    /** The last batch number this process published, per report (kept across unloads). */
    private readonly published = new Map<string, number>();
    private readonly received = new RelaySequences();

    constructor(configuration: ConstructorParameters<typeof Redis>[0]) {
      super(configuration);
      // The extension's own publishes (state vectors, replies, awareness) wait for the
      // open commit as well.
      const publish = this.pub.publish.bind(this.pub) as (channel: string, message: Buffer) => Promise<number>;
      this.pub.publish = ((channel: string, message: Buffer) => new Promise<number>((resolve, reject) => {
        outbox.send(() => void publish(channel, message).then(resolve, reject));
      })) as typeof this.pub.publish;
      // Relay batches are ours to read; everything else goes to the extension as published.
      const internals = this as unknown as RedisInternals;
      const stock = internals.handleIncomingMessage;
      this.sub.off('messageBuffer', stock);
      this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
        if (message[0] === RELAY_BATCH) this.receiveBatch(message, internals.documents);
        else void stock(channel, message);
      });
      this.repairAfterReconnect(this.sub, internals.documents, () => {
        // ioredis resubscribes before it reports 'ready'; a subscription made now is
        // answered after those, so from then on a peer's reply cannot be missed.
        return this.subscribeToReplies();
      });
      this.repairAfterReconnect(this.pub, internals.documents, () => Promise.resolve());
      // Without an error listener, ioredis prints each failed reconnection to stderr as an
      // unhandled error; an outage is logged once instead, and its end.
      for (const [connection, client] of [['publishing', this.pub], ['subscribing', this.sub]] as const) {
        let lost = false;
        client.on('error', (error: Error) => {
          if (lost) return;
          lost = true;
          onRedisLink?.(connection, error.message);
        });
        client.on('ready', () => {
          if (!lost) return;
          lost = false;
          onRedisLink?.(connection, null);
        });
      }
      // A turn's client updates are all queued (their change hooks ran in the turn's
      // microtasks) by the time its commit is done: relay them first thing after it.
      outbox.onRelease(() => this.relayTurn());
    }

    /** After a lost connection, runs the state-vector exchange for every report held here. */
    private repairAfterReconnect(client: typeof this.pub, documents: Map<string, Document>, subscribed: () => Promise<void>): void {
      let connectedBefore = false;
      client.on('ready', () => {
        if (!connectedBefore) {
          connectedBefore = true;
          return;
        }
        subscribed().then(() => {
          for (const reportId of new Set([...documents.keys(), ...this.instance.documents.keys()])) this.requestRepair(reportId, documents);
        }, (error: Error) => onRelayRefused(`resubscribing failed: ${error.message}`));
      });
    }

    /**
     * The extension's exchange: our state vector out, every peer answers with what we lack
     * and asks for what it lacks. And who is there: presence published while the link was
     * down is lost as well, and an arrival would show only at its next renewal (15 s).
     */
    private requestRepair(reportId: string, documents: Map<string, Document>): void {
      const document = documents.get(reportId) ?? this.instance.documents.get(reportId);
      if (!document) return;
      void super.onChange({ documentName: reportId, document, transactionOrigin: undefined } as unknown as onChangePayload);
      (this as unknown as RedisInternals).requestAwarenessFromOtherInstances(reportId).catch(() => undefined);
    }

    override async onChange(data: onChangePayload): Promise<void> {
      // An incoming copy lives in the one process its sender reached; its merge into the
      // report is relayed as any change of the report.
      if (isIncomingCopy(data.documentName)) return;
      const origin = data.transactionOrigin;
      if (!isTransactionOrigin(origin) || origin.source !== 'connection') {
        await super.onChange(data); // loads, relayed updates, server-side edits: as published
        return;
      }
      const queued = this.relays.get(data.documentName);
      if (queued) {
        queued.push(data.update);
        return;
      }
      this.relays.set(data.documentName, [data.update]);
      if (this.relays.size === 1) setImmediate(() => this.relayTurn());
    }

    /** One batch per report, all in one pipeline, once committed. */
    private relayTurn(): void {
      if (this.relays.size === 0) return;
      const pipeline = this.pub.pipeline();
      for (const [reportId, updates] of this.relays) {
        if (!isStored(reportId)) continue; // its writer's connection was closed; the resend is relayed
        const seq = (this.published.get(reportId) ?? 0) + 1;
        this.published.set(reportId, seq);
        const batch = encodeRelayBatch({ sender: this.configuration.identifier, reportId, seq, updates });
        pipeline.publish(`${prefix}:${reportId}`, Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength));
      }
      this.relays.clear();
      outbox.send(() => {
        pipeline.exec().catch((error: Error) => console.error('Redis: relaying updates failed', error));
      });
    }

    /** Applies another process's batch in one transaction; Hocuspocus fans it out to this process's clients. */
    private receiveBatch(message: Buffer, documents: Map<string, Document>): void {
      let batch: RelayBatch | null;
      try {
        batch = decodeRelayBatch(message);
      } catch (error) {
        onRelayRefused((error as Error).message);
        return;
      }
      if (!batch || batch.sender === this.configuration.identifier) return; // our own, back from Redis
      const document = documents.get(batch.reportId) ?? this.instance.documents.get(batch.reportId);
      if (!document) return;
      const updates = batch.updates;
      try {
        // Checked by the process its sender reached, but not with what waits here.
        if (document.store.pendingStructs) {
          const dropped = dropMisplacedWaiting(document, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
          if (dropped.length > 0) onWaitingDropped?.(batch.reportId, dropped);
        }
        document.transact(() => {
          for (const update of updates) Y.applyUpdate(document, update);
        }, this.redisTransactionOrigin);
      } catch (error) {
        // A batch the sender could apply but this process cannot: the exchange brings what is missing.
        onRelayRefused((error as Error).message);
        this.requestRepair(batch.reportId, documents);
        return;
      }
      if (this.received.see(batch.reportId, batch.sender, batch.seq) === 'gap') this.requestRepair(batch.reportId, documents);
    }

    /**
     * The extension publishes a report's presence at the end of the turn, and only if the
     * report still has connections here then. What it would lose of a change made here is
     * published at once:
     * - a departure: the connection that closes, taking its people with it, may have been
     *   the last here; members on the other processes would see them until the 30 s
     *   awareness timeout (a departure published twice is applied once);
     * - any change to a report no one here has open: a sender in parts here, relayed into
     *   it from her incoming copy (incoming-copy-presence.ts); the others would not see her
     *   until the parts are through.
     */
    override async onAwarenessUpdate(data: onAwarenessUpdatePayload): Promise<void> {
      const origin = data.transactionOrigin;
      const fromRedis = isTransactionOrigin(origin) && origin.source === 'redis';
      const lost = data.document.connections.size === 0 ? [...data.added, ...data.updated, ...data.removed] : data.removed;
      if (!fromRedis && lost.length > 0) {
        const internals = this as unknown as RedisInternals;
        const message = new OutgoingMessage(data.documentName).createAwarenessUpdateMessage(data.awareness, lost);
        // (Not awaited, nor a failure reported: presence is renewed every 15 s, and with
        // Redis unreachable, or the server closing, a departure lost times out in 30 s.)
        this.pub.publish(internals.pubKey(data.documentName), internals.encodeMessage(message.toUint8Array())).catch(() => undefined);
      }
      await super.onAwarenessUpdate(data);
    }

    /**
     * The extension subscribes to this process's reply channel once, when it is made, and
     * every report's loading waits for that. Made while Redis could not be reached (a
     * process started before Redis, or as its link went down), it fails after ioredis's
     * retries, and every report's loading failed with it for good, Redis back or not:
     * each loading tries it anew until it has been made.
     */
    override async afterLoadDocument(data: afterLoadDocumentPayload): Promise<void> {
      const internals = this as unknown as RedisInternals;
      if (!(await internals.replySubscription.then(() => true, () => false))) void this.subscribeToReplies().catch(() => undefined);
      await super.afterLoadDocument(data);
    }

    /** Subscribes (anew) to this process's reply channel; report loadings wait for this one from now on. */
    private subscribeToReplies(): Promise<void> {
      const internals = this as unknown as RedisInternals;
      internals.replySubscription = this.sub.subscribe(internals.replyKey(this.configuration.identifier)).then(() => undefined);
      return internals.replySubscription;
    }

    /**
     * The extension says goodbye with a QUIT and waits for Redis's answer: a Redis that
     * does not answer (frozen, overloaded, behind a stalled link) kept the server from
     * ever stopping, and a QUIT cut short by the connection's loss made the stop fail
     * before the report files were closed. It is waited for a while; then the
     * connections are dropped (everything this process acknowledged is committed already).
     */
    override async onDestroy(): Promise<void> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gaveUp = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`Redis did not answer within ${goodbyeWaitMs} ms`), goodbyeWaitMs);
      });
      const problem = await Promise.race([super.onDestroy().then(() => null, (error: Error) => error.message), gaveUp]);
      clearTimeout(timer);
      if (problem === null) return;
      this.pub.disconnect(false);
      this.sub.disconnect(false);
      onGoodbyeFailed?.(problem);
    }

    override async afterUnloadDocument(data: afterUnloadDocumentPayload): Promise<void> {
      await super.afterUnloadDocument(data);
      if (!data.instance.documents.has(data.documentName)) this.received.forget(data.documentName);
    }
  }
  return new UpdateRelayingRedis({ host: parsed.hostname, port: Number(parsed.port || 6379), prefix, ...(unloadDelayMs === undefined ? {} : { disconnectDelay: unloadDelayMs }) });
}
