import { serviceAccountNameFromId } from '../../src/private/names';

describe('serviceAccountNameFromId', () => {
  test.each([
    ['LedgerReader', 'ledger-reader'],
    ['ledger-reader', 'ledger-reader'],
    ['HTTPServer', 'http-server'],
    ['Api2Gateway', 'api2-gateway'],
    ['my_reader.v2', 'my-reader-v2'],
    ['--Reader--', 'reader'],
    ['S3', 's3'],
  ])('turns %s into %s', (id, expected) => {
    expect(serviceAccountNameFromId(id)).toBe(expected);
  });

  test('keeps a long id within the 253 characters of a DNS subdomain', () => {
    const name = serviceAccountNameFromId('A'.repeat(300) + 'b');
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  test('hashes an id without letters or digits into a stable name', () => {
    expect(serviceAccountNameFromId('***')).toMatch(/^irsa-[0-9a-f]{8}$/);
    expect(serviceAccountNameFromId('***')).toBe(serviceAccountNameFromId('***'));
    expect(serviceAccountNameFromId('***')).not.toBe(serviceAccountNameFromId('%%%'));
  });
});
