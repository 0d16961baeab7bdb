import type { SdkSetup } from '../cli/aws.js';
import { organizationPorts } from '../cli/organization-ports.js';
import type { Output } from '../cli/output.js';
import { renderOrganizationTable } from '../cli/render/organization-text.js';
import type { TextStyle } from '../cli/render/text-style.js';
import { wrapText } from '../cli/render/wrap.js';
import type { Clock } from '../clock.js';
import { MEMBER_READ_ROLE_NAME } from '../core/permissions.js';
import { scanOrganization } from '../organization/scan-organization.js';
import { startLocalAccount } from './index.js';
import { setUpScenario } from './scenarios.js';

/** How the demo writes (see `demo.ts`). */
export interface DemoPage {
  readonly output: Output;
  readonly width: number;
  readonly style: TextStyle;
  readonly clock: Clock;
}

/**
 * Part 3: `scan --organization` over a simulated organization (the `organization` scenario of `local-account`): the
 * management account lists its members and reads each through its read role; one role cannot be assumed, one
 * account is suspended. Its own local account, so that the first parts' account stays as they left it.
 */
export async function organizationStory(page: DemoPage, regions: readonly string[]): Promise<void> {
  const { output, style, width, clock } = page;
  const organization = await startLocalAccount({ regions, clock });
  try {
    setUpScenario(organization, 'organization');
    const sdk: SdkSetup = {
      clock,
      endpoint: {
        url: organization.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 2,
      },
    };
    output.out(`\n${style.bold('━━ Part 3 · scan --organization: every account, through its read role')}`);
    output.out(
      wrapText(
        `The management account ${organization.accountId} lists its organization and assumes ` +
          `${MEMBER_READ_ROLE_NAME} in each member: an account whose role cannot be assumed is reported, ` +
          'never skipped; a suspended one is skipped, with its state.',
        width,
        '',
        '',
      ).join('\n'),
    );
    const ports = await organizationPorts(sdk, {
      homeRegion: 'us-east-1',
      regionTimeoutMs: 2000,
      maxSockets: 50,
    });
    const report = await scanOrganization(ports, {
      accounts: 'organization',
      roleName: MEMBER_READ_ROLE_NAME,
      accountConcurrency: 10,
      regions,
      concurrency: 10,
      clock,
    });
    const anyFinding = report.accounts.some((account) => account.findings.length > 0);
    output.out(renderOrganizationTable(report, { width, style }));
    output.out(
      `→ exit ${anyFinding ? 2 : 0}; each account's findings follow the table in \`scan --organization\`.`,
    );
  } finally {
    await organization.close();
  }
}
