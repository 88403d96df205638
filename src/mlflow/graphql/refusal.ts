/**
 * A refused GraphQL request, answered the way MLflow answers a failed field and the way its web UI reads one: HTTP
 * 200, every root field of the operation holding `apiError { code message }` and null elsewhere, and no `errors`
 * (the UI reads `apiError`; a non-2xx status or `errors` leaves its run page loading for ever). The gateway's own
 * error code, message and request id are in `extensions.mlgate`. Pure.
 */
import type { FragmentDefinitionNode, SelectionSetNode } from 'graphql';

import type { MlgateError } from '../../errors.js';
import type { GraphqlAnalysis } from './analyse.js';

export function graphqlRefusal(analysis: GraphqlAnalysis, error: MlgateError, requestId: string): unknown {
  const apiError = { code: error.mlflowCode, message: error.message };
  const data: Record<string, unknown> = {};
  for (const root of analysis.selected) {
    data[root.key] =
      root.node.selectionSet === undefined
        ? null
        : shape(root.node.selectionSet, root.typeName, analysis.fragments, (name, selection) =>
            name === 'apiError' && selection !== undefined
              ? shape(selection, 'ApiError', analysis.fragments, (field) =>
                  field === 'code' ? apiError.code : field === 'message' ? apiError.message : null,
                )
              : null,
          );
  }
  return {
    data,
    errors: null,
    extensions: {
      mlgate: {
        code: error.code,
        error_code: error.mlflowCode,
        message: error.message,
        request_id: requestId,
        ...(error.details === undefined ? {} : { details: error.details }),
      },
    },
  };
}

/** An object with every selected key: `__typename` the type, the rest what `value` gives (fragments expanded). */
function shape(
  selectionSet: SelectionSetNode,
  typeName: string | null,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  value: (name: string, selection: SelectionSetNode | undefined) => unknown,
  into: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      const name = selection.name.value;
      into[selection.alias?.value ?? name] = name === '__typename' ? typeName : value(name, selection.selectionSet);
    } else if (selection.kind === 'InlineFragment') {
      shape(selection.selectionSet, typeName, fragments, value, into);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment !== undefined) shape(fragment.selectionSet, typeName, fragments, value, into);
    }
  }
  return into;
}
