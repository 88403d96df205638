import type { Filter } from 'mongodb';

import { rulesPart } from '../data-parts.js';
import { RULE_ORDER_FIELDS, checkLimit, pageOf, ruleKeyOf } from '../pages.js';
import { duplicateRule, newRuleId } from '../rules-shared.js';
import type { PermissionVersionRepository, RegexRuleFields, RegexRuleRecord, RegexRuleRepository } from '../types.js';
import type { Collections, RegexRuleDocument } from './collections.js';
import { guarded, isDuplicateKey } from './errors.js';
import { keysetAfter } from './keyset.js';
import { readSliced } from './read-sliced.js';

function toFields(doc: Omit<RegexRuleDocument, 'createdAt' | 'createdBy'>): RegexRuleFields {
  return {
    id: doc._id,
    resourceType: doc.resourceType,
    principalType: doc.principalType,
    principal: doc.principal,
    pattern: doc.pattern,
    priority: doc.priority,
    permission: doc.permission,
  };
}

function toRecord(doc: RegexRuleDocument): RegexRuleRecord {
  return { ...toFields(doc), createdAt: doc.createdAt, createdBy: doc.createdBy };
}

/** The order of list, listForPolicy and page (RULE_ORDER_FIELDS). */
const RULE_ORDER = { resourceType: 1, principalType: 1, principal: 1, priority: 1, _id: 1 } as const;

/** The fields listForPolicy reads (and _id). */
const POLICY_FIELDS = {
  resourceType: 1,
  principalType: 1,
  principal: 1,
  pattern: 1,
  priority: 1,
  permission: 1,
} as const;

/**
 * Rules read per round trip when all are listed (a reload of the permission data on every replica). They are decoded
 * a slice at a time (read-sliced.ts), so a batch need not be small; FerretDB answers each round trip in a few ms.
 */
const RULE_BATCH_SIZE = 500;

export function createRegexRuleRepository(
  collections: Collections,
  version: PermissionVersionRepository,
  now: () => Date = () => new Date(),
): RegexRuleRepository {
  return {
    async add(rule) {
      const doc: RegexRuleDocument = { _id: newRuleId(), ...rule, createdAt: now() };
      await guarded('regexRules.add', async () => {
        try {
          await collections.regexRules.insertOne(doc);
        } catch (error) {
          throw isDuplicateKey(error) ? duplicateRule(rule) : error;
        }
      });
      await version.bump('data', [rulesPart(rule)]);
      return toRecord(doc);
    },
    async list() {
      return guarded('regexRules.list', () =>
        readSliced(collections.regexRules.find({}).sort(RULE_ORDER).batchSize(RULE_BATCH_SIZE), toRecord),
      );
    },
    async listForPolicy() {
      return guarded('regexRules.listForPolicy', () =>
        readSliced(
          collections.regexRules.find({}, { projection: POLICY_FIELDS }).sort(RULE_ORDER).batchSize(RULE_BATCH_SIZE),
          toFields,
        ),
      );
    },
    async listForPrincipals(principals) {
      if (principals.length === 0) return [];
      return guarded('regexRules.listForPrincipals', () =>
        readSliced(
          collections.regexRules
            .find(
              { $or: principals.map(({ principalType, principal }) => ({ principalType, principal })) },
              { projection: POLICY_FIELDS },
            )
            .sort(RULE_ORDER)
            .batchSize(RULE_BATCH_SIZE),
          toFields,
        ),
      );
    },
    async page(filter, request) {
      checkLimit(request.limit);
      const after = request.after;
      const query: Filter<RegexRuleDocument> = {
        ...(filter.resourceType === undefined ? {} : { resourceType: filter.resourceType }),
        ...(filter.principal === undefined
          ? {}
          : { principalType: filter.principal.type, principal: filter.principal.name }),
        ...(after === null
          ? {}
          : keysetAfter<RegexRuleDocument>(
              RULE_ORDER_FIELDS.map((field) => [field === 'id' ? '_id' : field, after[field]] as const),
            )),
      };
      // Index listing_order (collections.ts).
      const docs = await guarded('regexRules.page', () =>
        collections.regexRules
          .find(query)
          .sort(RULE_ORDER)
          .limit(request.limit + 1)
          .toArray(),
      );
      return pageOf(docs.map(toRecord), request.limit, ruleKeyOf);
    },
    async update(id, changes) {
      const set: Partial<RegexRuleDocument> = {};
      if (changes.priority !== undefined) set.priority = changes.priority;
      if (changes.permission !== undefined) set.permission = changes.permission;
      if (changes.createdBy !== undefined) set.createdBy = changes.createdBy;
      const doc = await guarded('regexRules.update', () =>
        collections.regexRules.findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after' }),
      );
      if (doc !== null) {
        await version.bump('data', [rulesPart(doc)]);
      }
      return doc === null ? null : toRecord(doc);
    },
    async remove(id) {
      // The rule removed names the principal whose rules changed.
      const doc = await guarded('regexRules.remove', () => collections.regexRules.findOneAndDelete({ _id: id }));
      if (doc !== null) {
        await version.bump('data', [rulesPart(doc)]);
      }
      return doc !== null;
    },
    async removeAllForPrincipal(principalType, principal) {
      const result = await guarded('regexRules.removeAllForPrincipal', () =>
        collections.regexRules.deleteMany({ principalType, principal }),
      );
      if (result.deletedCount > 0) {
        await version.bump('data', [rulesPart({ principalType, principal })]);
      }
      return result.deletedCount;
    },
  };
}
