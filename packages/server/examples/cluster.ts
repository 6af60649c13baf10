// A cluster of three @bolt/server members on 127.0.0.1 sharing one list of people. Drivers
// connect with neo4j://: reads go to the two followers, writes to the leader. Run it, then point
// a routing driver at the URL it prints.
import { tcp } from '@bolt/net-adapters/node';
import { type BoltCluster, createCluster, type Handler } from '@bolt/server';

export async function startPeopleCluster(ports: number[] = [0, 0, 0]): Promise<BoltCluster> {
  const people: string[] = [];
  const pending = new Map<string, string[]>(); // writes of open transactions, per connection
  const handler: Handler = {
    run(query, parameters, context) {
      if (query.startsWith('CREATE')) {
        const name = String(parameters.name);
        if (context.inTransaction) pending.get(context.connection.id)?.push(name);
        else people.push(name);
        return { fields: [] };
      }
      return { fields: ['name'], records: people.map((name) => [name]) };
    },
    begin: (context) => void pending.set(context.connection.id, []),
    commit(context) {
      people.push(...(pending.get(context.connection.id) ?? []));
      pending.delete(context.connection.id);
      return undefined; // no bookmark
    },
    rollback: (context) => void pending.delete(context.connection.id),
  };
  return createCluster({ handler, listener: tcp(), ports, ttl: 60 });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cluster = await startPeopleCluster([7687, 7688, 7689]);
  console.log(`cluster listening; connect to ${cluster.url}`);
}
