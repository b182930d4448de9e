// Validates a pain.001.001.09 document against ISO 20022's published schema
// (test/fixtures/xsd/pain.001.001.09.xsd, see PROVENANCE.md beside it) with libxml2's
// xmllint compiled to WebAssembly (the xmllint-wasm package: no system package, no network).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

const XSD_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/xsd/pain.001.001.09.xsd');
let schema: string | undefined;

/** The schema's errors for `xml` (empty when it validates). */
export async function pain001SchemaErrors(xml: string): Promise<string[]> {
  schema ??= fs.readFileSync(XSD_PATH, 'utf8');
  const result = await validateXML({ xml: [{ fileName: 'payment-file.xml', contents: xml }], schema: [{ fileName: 'pain.001.001.09.xsd', contents: schema }] });
  return result.valid ? [] : result.errors.map((error) => error.message || error.rawMessage);
}

export async function assertValidPain001(xml: string): Promise<void> {
  assert.deepEqual(await pain001SchemaErrors(xml), [], 'the file validates against the pain.001.001.09 XSD');
}
