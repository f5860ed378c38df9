import { Module } from '@nestjs/common';
import { CartModule } from '../cart/cart.module';
import { LiveGateway } from './live.gateway';

/** The Socket.IO namespace /live, on the app's port. */
@Module({
  imports: [CartModule],
  providers: [LiveGateway],
})
export class LiveModule {}
