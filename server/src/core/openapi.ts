import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_CODES } from '@gantry/shared';

/** Every route registers itself here from the same zod schemas that validate it. */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'Opaque session token from /auth/staff/login or /auth/wechat/login',
  });
  return registry;
}

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...Array<keyof typeof ERROR_CODES>]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export function buildOpenApiDocument(
  registry: OpenAPIRegistry,
  info: { title: string; version: string; serverUrl: string },
) {
  const generator = new OpenApiGeneratorV3(registry.definitions);
  return generator.generateDocument({
    openapi: '3.0.3',
    info: {
      title: info.title,
      version: info.version,
      description: 'Gantry API. Errors always answer `{ "error": { "code", "message", "details" } }`.',
    },
    servers: [{ url: `${info.serverUrl}/api/v1` }],
  });
}

/** Koa paths (`/customers/:id`) to OpenAPI paths (`/customers/{id}`). */
export function toOpenApiPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
