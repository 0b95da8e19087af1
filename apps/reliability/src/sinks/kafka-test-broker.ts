/**
 * Test support: the real Kafka broker the reliability scenarios produce to (`KUBESTATS_KAFKA_BROKERS`, default
 * 127.0.0.1:9092, started by `scripts/services up`): an admin connection that fails loudly when the broker is not
 * there, unique topics created with their leaders elected and deleted afterwards, and what landed in a topic.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface KafkaTestBroker {
  /** `host:port` of the bootstrap broker. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Connects the admin; rejects naming the broker and how to start it when it is not reachable. */
  connect(): Promise<void>;
  /** A new topic, unique to this process and moment, with its leaders elected; deleted by `close()`. */
  createTopic(label: string, partitions?: number, configEntries?: { name: string; value: string }[]): Promise<string>;
  /** Messages in `topic` now, from its partitions' offsets: every copy counts, so duplicates show. */
  messageCount(topic: string): Promise<number>;
  /** Deletes the topics created here (when connected) and disconnects. */
  close(): Promise<void>;
}

export function kafkaTestBroker(clientId: string): KafkaTestBroker {
  const address = (process.env.KUBESTATS_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0] ?? '127.0.0.1:9092';
  const [host = '127.0.0.1', port = '9092'] = address.split(':');
  const kafka = new Kafka({ clientId, brokers: [address], logLevel: logLevel.NOTHING, connectionTimeout: 2000, retry: { retries: 2 } });
  const admin = kafka.admin();
  const topics: string[] = [];
  let connected = false;
  return {
    address,
    host,
    port: Number(port),
    kafka,
    admin,
    async connect() {
      try {
        await admin.connect();
        await admin.listTopics();
        connected = true;
      } catch (error) {
        throw new Error(`Kafka is not reachable at ${address}; start it with scripts/services up`, { cause: error });
      }
    },
    async createTopic(label, partitions = 1, configEntries = []) {
      const topic = `kubestats-reliability-${label}-${process.pid}-${Date.now().toString(36)}`;
      topics.push(topic);
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries }], waitForLeaders: true });
      return topic;
    },
    async messageCount(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
    },
    async close() {
      if (connected && topics.length > 0) await admin.deleteTopics({ topics });
      await admin.disconnect();
    },
  };
}
