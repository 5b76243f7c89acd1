import { Controller, Get, HttpStatus, Inject, Param, Res } from '@nestjs/common';
import { SPACEPORT_LOGGER } from '@spaceport/app-runtime';
import { type Logger } from 'pino';
import { CONSOLE_HEADERS, type ConsoleAsset, loadConsoleAssets } from './console-assets';

/** The part of Express's response used here (no @types/express in the workspace). */
interface AssetResponse {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
}

/** `GET /console` (the page) and `GET /console/console.js|console.css`: static files, strict CSP. */
@Controller('console')
export class ConsoleController {
  private readonly assets: Map<string, ConsoleAsset>;
  private readonly missing: string[];

  constructor(@Inject(SPACEPORT_LOGGER) logger: Logger) {
    ({ assets: this.assets, missing: this.missing } = loadConsoleAssets());
    if (this.missing.length > 0)
      logger.warn(
        { missing: this.missing },
        'console assets missing from this build: /console answers 503 (build with npm run build)',
      );
  }

  @Get()
  page(@Res({ passthrough: true }) res: AssetResponse): string {
    return this.serve('index.html', res);
  }

  @Get(':asset')
  asset(@Param('asset') name: string, @Res({ passthrough: true }) res: AssetResponse): string {
    return this.serve(name === 'index.html' ? '' : name, res);
  }

  private serve(name: string, res: AssetResponse): string {
    for (const [header, value] of Object.entries(CONSOLE_HEADERS)) res.setHeader(header, value);
    const asset = this.assets.get(name);
    if (asset) {
      res.setHeader('Content-Type', asset.contentType);
      return asset.body;
    }
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    if (this.missing.length > 0) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return `console assets missing from this build (${this.missing.join(', ')}): run npm run build\n`;
    }
    res.status(HttpStatus.NOT_FOUND);
    return 'no such console asset\n';
  }
}
