import { randomUUID } from 'node:crypto';
import { ApiError, type OptInStatus } from '../state.js';
import { xml } from '../xml.js';
import type { ApiRequest, WireResponse } from './wire.js';

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/**
 * EC2 `DescribeRegions` over the EC2 query protocol: the enabled Regions, or with `AllRegions=true` every Region
 * with its `OptInStatus`.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
 */
export function serveEc2(
  regions: ReadonlyMap<string, OptInStatus>,
  { operation, params }: ApiRequest,
): WireResponse {
  if (operation !== 'DescribeRegions')
    throw new ApiError('InvalidAction', `The action ${operation} is not valid for this web service.`);
  const all = params.get('AllRegions') === 'true';
  const items = [...regions.entries()]
    .filter(([, status]) => all || status !== 'not-opted-in')
    .map(([name, status]) => ({
      regionName: name,
      regionEndpoint: `ec2.${name}.amazonaws.com`,
      optInStatus: status,
    }));
  const body = `<DescribeRegionsResponse xmlns="${EC2_NS}"><requestId>${randomUUID()}</requestId>${xml('regionInfo', items, 'item')}</DescribeRegionsResponse>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}
