import { type AccountState, ApiError, type ReplicationRule } from '../state.js';
import type { ApiRequest, WireResponse } from './wire.js';

/** The ECR JSON 1.1 protocol: `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>`. */
export function serveEcr(state: AccountState, request: ApiRequest): WireResponse {
  const { region, operation, json } = request;
  if (!state.isEnabled(region)) {
    throw new ApiError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  switch (operation) {
    case 'DescribeRegistry':
      return ecrJson({
        registryId: state.accountId,
        replicationConfiguration: { rules: state.replication.get(region) ?? [] },
      });
    case 'PutReplicationConfiguration': {
      const rules = (json.replicationConfiguration as { rules?: ReplicationRule[] } | undefined)?.rules;
      if (!Array.isArray(rules))
        throw new ApiError('InvalidParameterException', 'replicationConfiguration.rules is required.');
      state.putReplication(region, rules);
      return ecrJson({ replicationConfiguration: { rules } });
    }
    default:
      throw new ApiError('UnknownOperationException', `Unknown operation ${operation}.`);
  }
}

function ecrJson(body: unknown, status = 200): WireResponse {
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) };
}
