/**
 * A GraphQL document with some root fields' `input` argument replaced (pure): a search (mlflowSearchRuns,
 * mlflowSearchDatasets) narrowed to the experiments the caller may read, as the REST searches are.
 *
 * The replacement is the field's input as MLflow's executor would have coerced it (inline literals, variables and
 * defaults already applied), with the narrowed experiment list, written back as an inline literal: so nothing the
 * narrowed field reads depends on the variables any more. Variable definitions that nothing uses after that are
 * removed (GraphQL refuses a document with an unused variable). The caller re-analyses the printed document and
 * decides it again, so a rewrite that did not read as intended fails closed.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  astFromValue,
  print,
  visit,
} from 'graphql';

import { MlgateError } from '../../errors.js';

export interface FieldNarrowing {
  /** The root field to rewrite (a node of `document`). */
  readonly node: FieldNode;
  /** Its `input` argument to send instead, as coerced values. */
  readonly input: Readonly<Record<string, unknown>>;
  readonly inputType: GraphQLInputType;
}

/** The document, printed, with each narrowed field's `input` replaced. */
export function narrowGraphqlDocument(document: DocumentNode, narrowings: readonly FieldNarrowing[]): string {
  const byNode = new Map(narrowings.map((narrowing) => [narrowing.node, narrowing]));
  const rewritten = visit(document, {
    Field(node) {
      const narrowing = byNode.get(node);
      if (narrowing === undefined) {
        return undefined;
      }
      const value = astFromValue(narrowing.input, narrowing.inputType);
      if (value === null || value === undefined) {
        throw new MlgateError('MLGATE_INTERNAL', 'A GraphQL search could not be narrowed to readable experiments.');
      }
      return {
        ...node,
        arguments: [
          ...(node.arguments ?? []).filter((argument) => argument.name.value !== 'input'),
          { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'input' }, value },
        ],
      };
    },
  });
  return print(withoutUnusedVariables(rewritten));
}

function withoutUnusedVariables(document: DocumentNode): DocumentNode {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return {
    ...document,
    definitions: document.definitions.map((definition) => {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.variableDefinitions === undefined) {
        return definition;
      }
      const used = usedVariables(definition, fragments);
      return {
        ...definition,
        variableDefinitions: definition.variableDefinitions.filter((v) => used.has(v.variable.name.value)),
      } satisfies OperationDefinitionNode;
    }),
  };
}

/** The variables an operation uses, in its selections and in the fragments it spreads (directives included). */
function usedVariables(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): Set<string> {
  const used = new Set<string>();
  const spread = new Set<string>();
  const walk = (selectionSet: SelectionSetNode): void => {
    visit(selectionSet, {
      Variable(node) {
        used.add(node.name.value);
      },
      FragmentSpread(node) {
        const fragment = fragments.get(node.name.value);
        if (fragment !== undefined && !spread.has(node.name.value)) {
          spread.add(node.name.value);
          walk(fragment.selectionSet);
        }
      },
    });
  };
  walk(operation.selectionSet);
  for (const directive of operation.directives ?? []) {
    visit(directive, {
      Variable(node) {
        used.add(node.name.value);
      },
    });
  }
  return used;
}
