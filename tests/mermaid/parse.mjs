// Reads a Mermaid diagram on standard input and parses it with Mermaid itself.
// Exit 0 when it parses, 1 (with the parser's message) when it does not.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await import('mermaid')).default;

let text = '';
for await (const chunk of process.stdin) text += chunk;
try {
  const result = await mermaid.parse(text);
  console.log(result.diagramType);
} catch (error) {
  console.error(String(error.message || error));
  process.exit(1);
}
