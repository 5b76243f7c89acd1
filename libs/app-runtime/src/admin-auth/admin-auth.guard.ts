import { type CanActivate, type ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { settingsToken } from '../app-settings';
import { type AdminTokens, authorizeAdmin, scopeOfMethod } from './admin-auth';

/** DI token of the gateway's admin tokens, a section of its settings object (see AppSettingsModule). */
export const ADMIN_TOKENS = settingsToken<AdminTokens>('spaceport:admin-tokens');

interface AuthRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Bearer auth of the config API: GET needs the read or full token, anything else the full token. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(@Inject(ADMIN_TOKENS) private readonly tokens: AdminTokens) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const header = request.headers['authorization'];
    const decision = authorizeAdmin(
      this.tokens,
      Array.isArray(header) ? header[0] : header,
      scopeOfMethod(request.method),
    );
    if (!decision.ok) throw new HttpException({ error: decision.message }, decision.status);
    return true;
  }
}
