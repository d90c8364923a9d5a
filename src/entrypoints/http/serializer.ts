import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Build = ReturnType<typeof SerializerSelector>;

/**
 * Response serialisers compiled on a route's first answer with that status, not at start: fast-json-stringify
 * writes a function of up to hundreds of kilobytes per route and status, and a server answers few of them.
 * `eager` compiles each at once (a test of every route's schemas).
 */
export function lazySerializers(options: { eager?: boolean } = {}): Build {
  const build = SerializerSelector();
  return (externalSchemas, serializerOptions) => {
    const compile = build(externalSchemas, serializerOptions);
    return (route) => {
      if (options.eager) return compile(route);
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown) => {
        serialize ??= compile(route);
        return serialize(data);
      };
    };
  };
}
