// The embedded server's logic: a tiny in-memory graph and a handful of recognised queries.
// It is not a Cypher engine; it answers the demo dialogue the way Neo4j would.

import { Node, Relationship } from '@bolt/packstream';
import { BoltError } from '@bolt/server';

const PEOPLE = [
  ['Alice', 1985],
  ['Bob', 1990],
  ['Carol', 1978],
];

function planFor(identifiers, children = []) {
  return {
    operatorType: 'ProduceResults',
    identifiers,
    args: { planner: 'COST', runtime: 'PIPELINED', EstimatedRows: 1.0 },
    children,
  };
}

export function demoHandler() {
  const nodes = PEOPLE.map(
    ([name, born], i) => new Node(i, ['Person'], { name, born }, `4:demo:${i}`),
  );
  const knows = [
    new Relationship(10, 0, 1, 'KNOWS', { since: 2010 }, '5:demo:10', '4:demo:0', '4:demo:1'),
    new Relationship(11, 1, 2, 'KNOWS', { since: 2015 }, '5:demo:11', '4:demo:1', '4:demo:2'),
  ];
  let nextId = nodes.length;
  let bookmark = 0;

  return {
    authenticate(token) {
      if (token.scheme === 'none') return { username: 'anonymous' };
      if (
        token.scheme === 'basic' &&
        token.principal === 'neo4j' &&
        token.credentials === 'password'
      )
        return { username: 'neo4j' };
      return undefined; // answered Neo.ClientError.Security.Unauthorized
    },

    commit() {
      return `FB:demo:${++bookmark}`;
    },

    run(query, parameters) {
      const q = query.trim().replace(/\s+/g, ' ');
      if (/^EXPLAIN /i.test(q)) return explain(q.slice(8));
      if (q === 'RETURN 1 AS num') return { fields: ['num'], records: [[1]] };
      if (q === 'CREATE ()') {
        nodes.push(new Node(nextId, [], {}, `4:demo:${nextId++}`));
        return {
          fields: [],
          summary: { type: 'w', stats: { 'nodes-created': 1 }, bookmark: `FB:demo:${++bookmark}` },
        };
      }
      if (q === 'MATCH (n) RETURN n') return { fields: ['n'], records: nodes.map((n) => [n]) };
      if (q === 'MATCH (a)-[r:KNOWS]->(b) RETURN a.name AS from, r, b.name AS to')
        return {
          fields: ['from', 'r', 'to'],
          records: knows.map((r) => [
            nodes[r.start].properties.name,
            r,
            nodes[r.end].properties.name,
          ]),
        };
      if (q === 'UNWIND range(1, $n) AS x RETURN x') {
        const n = Number(parameters.n ?? 0);
        return { fields: ['x'], records: count(n), summary: { type: 'r' } };
      }
      throw new BoltError(
        `Invalid input '${q.split(' ')[0]}': expected a clause (line 1, column 1 (offset: 0))`,
        {
          code: 'Neo.ClientError.Statement.SyntaxError',
          gqlStatus: '42001',
          description: 'error: syntax error or access rule violation - invalid syntax',
        },
      );
    },
  };

  function explain(inner) {
    if (/^MATCH \(n\), \(m\) RETURN n, m$/.test(inner)) {
      return {
        fields: ['n', 'm'],
        summary: {
          type: 'r',
          plan: planFor(
            ['m', 'n'],
            [
              {
                operatorType: 'CartesianProduct',
                identifiers: ['m', 'n'],
                args: { EstimatedRows: 9.0 },
                children: [
                  {
                    operatorType: 'AllNodesScan',
                    identifiers: ['n'],
                    args: { EstimatedRows: 3.0 },
                    children: [],
                  },
                  {
                    operatorType: 'AllNodesScan',
                    identifiers: ['m'],
                    args: { EstimatedRows: 3.0 },
                    children: [],
                  },
                ],
              },
            ],
          ),
          notifications: [
            {
              code: 'Neo.ClientNotification.Statement.CartesianProductWarning',
              title: 'This query builds a cartesian product between disconnected patterns.',
              description:
                'If a part of a query contains multiple disconnected patterns, this will build a cartesian product between all those parts.',
              severity: 'WARNING',
              category: 'PERFORMANCE',
              position: { offset: 8, line: 1, column: 9 },
            },
          ],
        },
      };
    }
    return {
      fields: ['num'],
      summary: {
        type: 'r',
        plan: planFor(
          ['num'],
          [
            {
              operatorType: 'Projection',
              identifiers: ['num'],
              args: { EstimatedRows: 1.0 },
              children: [],
            },
          ],
        ),
      },
    };
  }
}

function* count(n) {
  for (let i = 1; i <= n; i++) yield [i];
}
