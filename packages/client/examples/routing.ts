// Routing with neo4j://: the driver asks the member in the URL for a routing table, then sends
// writes to the leader and reads to the followers. Against the cluster of
// @bolt/server's examples/cluster.ts: `routingExample('neo4j://127.0.0.1:7687')`.
import { auth, driver } from '@bolt/client/node';

export async function routingExample(url: string) {
  const d = driver(url, { auth: auth.basic('neo4j', 'password') });
  try {
    // a write: the leader
    await d.executeQuery('CREATE (:Person {name: $name})', { name: 'Ann' }, { database: 'neo4j' });
    // a read: a follower
    const { records, summary } = await d.executeQuery(
      'MATCH (p:Person) RETURN p.name AS name',
      {},
      { database: 'neo4j', routing: 'READ' },
    );
    const table = d.routingTable('neo4j');
    return {
      names: records.map((r) => r.get('name')),
      readFrom: summary.server.address,
      writers: table?.writers,
      readers: table?.readers,
    };
  } finally {
    await d.close();
  }
}
