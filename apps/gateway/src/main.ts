import { bootstrapSpaceportApp } from '@spaceport/app-runtime';
import { AppModule } from './app.module';

void bootstrapSpaceportApp({ role: 'gateway', module: AppModule });
