/**
 * What a GraphQL request asks for (pure): every root field of every operation of its document (fragments
 * expanded), each with the MLflow operation it runs and the resources its arguments name, plus the nested fields
 * the policy may hide (fields.ts). The document is bounded (limits.ts), parsed and validated against MLflow's
 * schema, and arguments are coerced (inline literals, variables, defaults) exactly as MLflow's GraphQL executor
 * coerces them before its resolvers read them; so the ids the policy sees are the ids MLflow acts on.
 *
 * Every operation of the document is analysed, not only the one `operationName` selects: anything the document
 * names must be allowed.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  type VariableValues,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isInterfaceType,
  isObjectType,
  parse,
  validate,
} from 'graphql';

import { MlgateError } from '../../errors.js';
import type { OperationName } from '../operations.js';
import { type Reference, extractReferences } from '../references.js';
import {
  INTROSPECTION_FIELDS,
  INTROSPECTION_OPERATION,
  NESTED_FIELDS,
  type NestedFieldRule,
  ROOT_FIELDS,
  type RootType,
} from './fields.js';
import { GRAPHQL_LIMITS, type GraphqlLimits } from './limits.js';
import type { GraphqlRequest } from './request.js';
import { mlflowGraphqlSchema } from './schema.js';

/** One decision the request needs. */
export interface GraphqlPart {
  /** The part in messages: `field mlflowGetRun`, `field r2: mlflowGetRun`, `field MlflowRunExtension.modelVersions`. */
  readonly label: string;
  /** null: not a known operation (administrators only). */
  readonly operation: OperationName | null;
  readonly references: readonly Reference[];
  /**
   * Set for nested fields: where they are in the answer (`data` paths of response keys) and what replaces them
   * when the policy refuses the part. Without it, a refused part refuses the whole request.
   */
  readonly redact?: { readonly paths: readonly (readonly string[])[]; readonly emptyValue: unknown };
  /**
   * Set for root fields of known operations: the field in the document, its `input` argument as MLflow's executor
   * coerces it, and whether the field sits in a named fragment (shared by every place that spreads it), so that a
   * search may be narrowed to the readable experiments (narrow.ts).
   */
  readonly root?: {
    readonly node: FieldNode;
    readonly input: Readonly<Record<string, unknown>>;
    readonly inputType: GraphQLInputType | undefined;
    readonly inFragment: boolean;
  };
}

/** A root field of the operation MLflow will run, as the answer names it (to answer a refusal in GraphQL). */
export interface GraphqlRoot {
  /** The key of the field in `data` (its alias, else its name). */
  readonly key: string;
  /** The name of the field's type, for `__typename`. */
  readonly typeName: string | null;
  readonly node: FieldNode;
}

export interface GraphqlAnalysis {
  /** The request, and its parsed document (the parts' field nodes are its nodes). */
  readonly request: GraphqlRequest;
  readonly document: DocumentNode;
  readonly parts: readonly GraphqlPart[];
  /** The root fields of the operation `operationName` selects (empty when none is selected). */
  readonly selected: readonly GraphqlRoot[];
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** Every resource the parts name, once each. */
  readonly references: readonly Reference[];
}

interface RootField {
  readonly rootType: RootType;
  readonly node: FieldNode;
  readonly definition: GraphQLField<unknown, unknown> | undefined;
  readonly variables: VariableValues | undefined;
  readonly inFragment: boolean;
}

/** What walking the document collects. */
interface Collected {
  readonly roots: RootField[];
  readonly nested: Map<NestedFieldRule, string[][]>;
  selections: number;
  aliases: number;
}

export function analyseGraphql(
  request: GraphqlRequest,
  options: { readonly maxResources: number; readonly limits?: GraphqlLimits },
): GraphqlAnalysis {
  const limits = options.limits ?? GRAPHQL_LIMITS;
  const schema = mlflowGraphqlSchema();
  const document = parseDocument(request.query, limits);
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    } else if (definition.kind === Kind.OPERATION_DEFINITION) {
      operations.push(definition);
    } else {
      throw invalid('The GraphQL document may only hold operations and fragments.');
    }
  }
  if (operations.length === 0) {
    throw invalid('The GraphQL document has no operation.');
  }

  const collected: Collected = { roots: [], nested: new Map(), selections: 0, aliases: 0 };
  const walker = new Walker(schema, fragments, limits, collected);
  const rootTypes: RootField[][] = [];
  for (const operation of operations) {
    if (operation.operation !== 'query' && operation.operation !== 'mutation') {
      throw invalid(`MLflow's GraphQL schema has no ${operation.operation} operations.`);
    }
    const before = collected.roots.length;
    const rootType = operation.operation === 'query' ? schema.getQueryType() : schema.getMutationType();
    walker.walk(operation.selectionSet, rootType ?? null, 1, [], new Set(), operation.operation);
    rootTypes.push(collected.roots.slice(before));
  }
  if (collected.roots.length > limits.maxRootFields) {
    throw tooBig(`more than ${limits.maxRootFields} root fields`);
  }

  // A document naming a field MLflow's schema does not have is not validated: its unknown fields are refused to
  // everyone but administrators (the policy decides), as unknown routes are. Otherwise it must be valid.
  const allKnown = collected.roots.every((root) => root.definition !== undefined);
  if (allKnown) {
    const errors = validate(schema, document, undefined, { maxErrors: 10 });
    if (errors.length > 0) {
      throw invalid(`The GraphQL document is not valid: ${errors.map((error) => error.message).join(' ')}`);
    }
  }

  // Variables are coerced per operation, with the operation's own definitions and defaults.
  const roots: RootField[] = [];
  operations.forEach((operation, index) => {
    const variables = coerceVariables(schema, operation, request.variables);
    for (const root of rootTypes[index] ?? []) {
      roots.push({ ...root, variables });
    }
  });

  const parts: GraphqlPart[] = [];
  for (const root of roots) {
    const part = rootPart(root);
    if (part !== undefined) {
      parts.push(part);
    }
  }
  for (const [rule, paths] of collected.nested) {
    parts.push({
      label: `field ${rule.type}.${rule.field}`,
      operation: rule.operation,
      references: [],
      redact: { paths, emptyValue: rule.emptyValue },
    });
  }
  const selectedIndex =
    request.operationName === null
      ? operations.length === 1
        ? 0
        : -1
      : operations.findIndex((operation) => operation.name?.value === request.operationName);
  const selected = (rootTypes[selectedIndex] ?? []).map((root) => ({
    key: root.node.alias?.value ?? root.node.name.value,
    typeName: root.definition === undefined ? null : getNamedType(root.definition.type).name,
    node: root.node,
  }));
  return { request, document, parts, selected, fragments, references: uniqueReferences(parts, options.maxResources) };
}

function parseDocument(query: string, limits: GraphqlLimits): DocumentNode {
  try {
    return parse(query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (error) {
    if (error instanceof GraphQLError) {
      throw invalid(`The GraphQL document cannot be read: ${error.message}`);
    }
    throw error;
  }
}

class Walker {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly limits: GraphqlLimits,
    private readonly collected: Collected,
  ) {}

  /** Walks one selection set; inline fragments and spread fragments belong to the level they are in. */
  walk(
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType | null,
    depth: number,
    path: readonly string[],
    spreading: ReadonlySet<string>,
    rootType: RootType,
  ): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        this.field(selection, parent, depth, path, spreading, rootType);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition === undefined ? parent : this.type(selection.typeCondition.name.value);
        this.walk(selection.selectionSet, type, depth, path, spreading, rootType);
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (fragment === undefined) {
          throw invalid(`The GraphQL document spreads the unknown fragment "${name}".`);
        }
        if (spreading.has(name)) {
          throw invalid(`The GraphQL fragment "${name}" spreads itself.`);
        }
        const type = this.type(fragment.typeCondition.name.value);
        this.walk(fragment.selectionSet, type, depth, path, new Set([...spreading, name]), rootType);
      }
    }
  }

  private field(
    node: FieldNode,
    parent: GraphQLNamedType | null,
    depth: number,
    path: readonly string[],
    spreading: ReadonlySet<string>,
    rootType: RootType,
  ): void {
    const collected = this.collected;
    if (depth > this.limits.maxDepth) {
      throw tooBig(`fields nested deeper than ${this.limits.maxDepth} levels`);
    }
    collected.selections += 1;
    if (collected.selections > this.limits.maxSelections) {
      throw tooBig(`more than ${this.limits.maxSelections} field selections (fragments expanded)`);
    }
    if (node.alias !== undefined) {
      collected.aliases += 1;
      if (collected.aliases > this.limits.maxAliases) {
        throw tooBig(`more than ${this.limits.maxAliases} aliases`);
      }
    }
    const name = node.name.value;
    const key = node.alias?.value ?? name;
    const definition = this.definition(parent, name, depth);
    if (depth === 1 && name !== '__typename') {
      collected.roots.push({ rootType, node, definition, variables: undefined, inFragment: spreading.size > 0 });
    }
    const rule = NESTED_FIELDS.find((nested) => nested.type === parent?.name && nested.field === name);
    if (rule !== undefined) {
      const paths = collected.nested.get(rule) ?? [];
      paths.push([...path, key]);
      collected.nested.set(rule, paths);
    }
    if (node.selectionSet !== undefined) {
      const type = definition === undefined ? null : getNamedType(definition.type);
      this.walk(node.selectionSet, type, depth + 1, [...path, key], spreading, rootType);
    }
  }

  private definition(
    parent: GraphQLNamedType | null,
    name: string,
    depth: number,
  ): GraphQLField<unknown, unknown> | undefined {
    if (depth === 1 && name === '__schema') return SchemaMetaFieldDef;
    if (depth === 1 && name === '__type') return TypeMetaFieldDef;
    if (parent === null || !(isObjectType(parent) || isInterfaceType(parent))) {
      return undefined;
    }
    const fields = parent.getFields();
    return Object.hasOwn(fields, name) ? fields[name] : undefined;
  }

  private type(name: string): GraphQLNamedType | null {
    return this.schema.getType(name) ?? null;
  }
}

function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  inputs: Readonly<Record<string, unknown>>,
): VariableValues {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], inputs, { maxErrors: 10 });
  if (result.errors !== undefined) {
    throw invalid(`The GraphQL variables do not fit the document: ${result.errors.map((e) => e.message).join(' ')}`);
  }
  return result.variableValues;
}

/** The decision a root field needs; undefined for `__typename`, which names nothing. */
function rootPart(root: RootField): GraphqlPart | undefined {
  const name = root.node.name.value;
  const label = `field ${root.node.alias === undefined ? '' : `${root.node.alias.value}: `}${name}`;
  if (INTROSPECTION_FIELDS.has(name)) {
    return { label, operation: INTROSPECTION_OPERATION, references: [] };
  }
  const fields = ROOT_FIELDS[root.rootType];
  const rule = Object.hasOwn(fields, name) ? fields[name] : undefined;
  if (rule === undefined || root.definition === undefined) {
    return { label, operation: null, references: [] };
  }
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(root.definition, root.node, root.variables);
  } catch (error) {
    if (error instanceof GraphQLError) {
      throw invalid(`The arguments of GraphQL ${label} are not valid: ${error.message}`);
    }
    throw error;
  }
  const input = args['input'];
  const body = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const references = extractReferences({ targets: rule.targets }, { source: 'body', body });
  const inputType = root.definition.args.find((arg) => arg.name === 'input')?.type;
  return {
    label,
    operation: rule.operation,
    references,
    root: { node: root.node, input: body, inputType, inFragment: root.inFragment },
  };
}

function uniqueReferences(parts: readonly GraphqlPart[], limit: number): Reference[] {
  const seen = new Map<string, Reference>();
  for (const part of parts) {
    for (const reference of part.references) {
      seen.set(`${reference.kind}\u0000${reference.value}`, reference);
      if (seen.size > limit) {
        throw new MlgateError(
          'MLGATE_REQUEST_INVALID',
          `The GraphQL document names more than ${limit} resources; the gateway checks at most ${limit} per ` +
            'request (server.max_resources_per_request). Split it into smaller requests.',
        );
      }
    }
  }
  return [...seen.values()];
}

function tooBig(what: string): MlgateError {
  return invalid(`The GraphQL document has ${what}; the gateway accepts no more. Split it into smaller requests.`);
}

function invalid(message: string): MlgateError {
  return new MlgateError('MLGATE_REQUEST_INVALID', message);
}
