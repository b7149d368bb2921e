// Where the things the client tests use are: the repository, the server binary, shared data.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const mltrackBinary = process.env.MLTRACK_BINARY ?? path.join(repoRoot, 'build', 'mltrack');
// The shared data sits beside the repository (../shared/data from its root).
export const sharedData = process.env.MLTRACK_SHARED_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data');
export const cassetteDir = path.join(sharedData, 'fixtures', 'openai-vcr-cassettes');
