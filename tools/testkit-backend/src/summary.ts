import type {
  GqlStatusObject,
  Notification,
  Plan,
  ProfiledPlan,
  QueryStatistics,
  ResultSummary,
} from '@bolt/client/node';
import { mapToCypher } from './cypher.js';

/** A result summary in testkit's `Summary` shape. */
export function summaryData(s: ResultSummary): Record<string, unknown> {
  return {
    serverInfo: {
      address: s.server.address,
      agent: s.server.agent,
      protocolVersion: s.server.protocolVersion,
    },
    counters: counters(s.counters),
    database: s.database.name ?? null,
    query: { text: s.query.text, parameters: mapToCypher(s.query.parameters) },
    queryType: s.queryType ?? null,
    plan: s.plan === false ? null : plan(s.plan),
    profile: s.profile === false ? null : profile(s.profile),
    notifications: s.notifications.map(notification),
    gqlStatusObjects: s.gqlStatusObjects.map(gqlStatus),
    resultAvailableAfter: s.resultAvailableAfter < 0 ? null : s.resultAvailableAfter,
    resultConsumedAfter: s.resultConsumedAfter < 0 ? null : s.resultConsumedAfter,
  };
}

function counters(c: QueryStatistics): Record<string, unknown> {
  return {
    ...c.updates(),
    containsUpdates: c.containsUpdates(),
    containsSystemUpdates: c.containsSystemUpdates(),
  };
}

function plan(p: Plan): Record<string, unknown> {
  return {
    operatorType: p.operatorType,
    args: mapToCypherPlain(p.arguments),
    identifiers: p.identifiers,
    children: p.children.map(plan),
  };
}

function profile(p: ProfiledPlan): Record<string, unknown> {
  return {
    operatorType: p.operatorType,
    args: mapToCypherPlain(p.arguments),
    identifiers: p.identifiers,
    dbHits: p.dbHits,
    rows: p.rows,
    pageCacheHits: p.pageCacheHits,
    pageCacheMisses: p.pageCacheMisses,
    pageCacheHitRatio: p.pageCacheHitRatio,
    time: p.time,
    children: p.children.map(profile),
  };
}

/** Plan arguments are compared as plain JSON by testkit. */
function mapToCypherPlain(args: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(args, (_, v) => (typeof v === 'bigint' ? Number(v) : v)),
  ) as Record<string, unknown>;
}

/** testkit's notification shape: exactly these keys (`position` only when sent). */
function notification(n: Notification): Record<string, unknown> {
  const out: Record<string, unknown> = {
    code: n.code,
    title: n.title,
    description: n.description,
    severity: n.severity,
    severityLevel: n.severityLevel,
    rawSeverityLevel: n.rawSeverityLevel ?? null,
    category: n.category,
    rawCategory: n.rawCategory ?? '',
  };
  if (n.position) out.position = n.position;
  return out;
}

function gqlStatus(g: GqlStatusObject): Record<string, unknown> {
  return {
    gqlStatus: g.gqlStatus,
    statusDescription: g.statusDescription,
    position: g.position ?? null,
    classification: g.classification,
    rawClassification: g.rawClassification ?? null,
    severity: g.severity,
    rawSeverity: g.rawSeverity ?? null,
    diagnosticRecord: mapToCypher(g.diagnosticRecord),
    isNotification: g.isNotification,
  };
}
