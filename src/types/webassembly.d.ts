/** The part of the WebAssembly global the engine uses (Node has it; the project's TypeScript libs do not declare it). */
declare namespace WebAssembly {
  class Module {
    private constructor();
  }
  function compile(bytes: Uint8Array): Promise<Module>;
}
