/** Permission input, read once for the CLI and the API: the same checks, each interface's field names and codes. */
import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { manageDenial } from '../../../src/http/api/manage-check.js';
import {
  API_INPUT,
  CLI_INPUT,
  parseCreatorPermission,
  parseLevel,
  parsePriority,
  parseResource,
} from '../../../src/permissions/input.js';

function refusal(run: () => unknown): [string, string] {
  try {
    run();
  } catch (error) {
    return [(error as MlgateError).code, (error as MlgateError).message];
  }
  return ['no error', ''];
}

describe('permission input', () => {
  it('refuses the same values on both interfaces, each in its own words and code', () => {
    expect(refusal(() => parseResource('experiment', '007', CLI_INPUT))).to.deep.equal([
      'MLGATE_USAGE',
      '--experiment <id> must be an MLflow experiment id as MLflow prints it (e.g. 7, not 007). Run "mlgate help" for usage.',
    ]);
    expect(refusal(() => parseResource('experiment', '007', API_INPUT))).to.deep.equal([
      'MLGATE_REQUEST_INVALID',
      'resource_id must be an MLflow experiment id as MLflow prints it (e.g. 7, not 007).',
    ]);
    expect(refusal(() => parseLevel('OWNER', API_INPUT))[0]).to.equal('MLGATE_REQUEST_INVALID');
    expect(refusal(() => parseCreatorPermission('NO_PERMISSIONS', CLI_INPUT))[1]).to.contain('MANAGE or none');
    expect(refusal(() => parseCreatorPermission('NO_PERMISSIONS', API_INPUT))[1]).to.contain('MANAGE or null');
  });

  it('reads levels in any case, and priorities as digits or JSON integers within range', () => {
    expect(parseLevel('edit', API_INPUT)).to.equal('EDIT');
    expect(parseCreatorPermission(null, API_INPUT)).to.equal(null);
    expect(parseCreatorPermission('none', CLI_INPUT)).to.equal(null);
    expect(parsePriority('10', CLI_INPUT)).to.equal(10);
    expect(parsePriority(0, API_INPUT)).to.equal(0);
    for (const bad of ['-1', '1e3', ' 1', '1000001', '', undefined]) {
      expect(refusal(() => parsePriority(bad, CLI_INPUT))[0], String(bad)).to.equal('MLGATE_USAGE');
    }
    for (const bad of [-1, 0.5, 1_000_001, Number.NaN]) {
      expect(refusal(() => parsePriority(bad, API_INPUT))[0], String(bad)).to.equal('MLGATE_REQUEST_INVALID');
    }
  });

  it('refuses changes to administrators only when the policy in use does not know ManagePermissions', () => {
    const error = manageDenial(
      { allow: false, reasons: ['route-unknown'], obligations: [], checks: [] },
      { resource: { type: 'experiment', id: '1', label: 'experiment 1' }, targets: [], method: 'PUT', path: '/' },
    );
    expect(error).to.be.instanceOf(MlgateError);
    expect([error.code, error.status]).to.deep.equal(['MLGATE_ADMIN_REQUIRED', 403]);
    expect(error.message).to.contain('does not define ManagePermissions');
  });
});
