import { Body, Controller, forwardRef, Get, Module, Post } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { declaredRoutes } from './route-inventory';

@Controller('v1/things/:thing')
class ThingsController {
  @Get()
  read(): void {}

  @Post('parts/:part/')
  write(@Body() _body: unknown): void {}
}

@Controller()
class RootController {
  @Get(['a', 'b'])
  both(): void {}
}

@Module({ controllers: [RootController] })
class LeafModule {}

@Module({})
class DynamicHost {}

@Module({ imports: [forwardRef(() => LeafModule)] })
class MiddleModule {}

describe('declaredRoutes', () => {
  it('lists the routes of a module tree: imports, dynamic modules and forward references followed', () => {
    const root = { module: DynamicHost, imports: [MiddleModule, LeafModule], controllers: [ThingsController] };
    expect(declaredRoutes(root)).toEqual([
      { key: 'GET /a', takesBody: false },
      { key: 'GET /b', takesBody: false },
      { key: 'GET /v1/things/{thing}', takesBody: false },
      { key: 'POST /v1/things/{thing}/parts/{part}', takesBody: true },
    ]);
  });
});
