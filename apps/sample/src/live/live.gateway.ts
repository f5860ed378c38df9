import { UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import {
  AuthGuard,
  Roles,
  RolesGuard,
  SessionSockets,
  SessionUser,
  SessionWsExceptionFilter,
  type SessionPrincipal,
} from 'nest-session-kit';
import { CartService } from '../cart/cart.service';
import { AddCartItemDto, type CartDto } from '../cart/cart.dto';
import type { CartSession } from '../cart/cart-session';
import { createValidationPipe } from '../common/validation.pipe';

/**
 * The Socket.IO namespace /live: only a socket with a live session connects (the cookie, or
 * `auth: {token}` for a header session), and the controllers' guards protect each message.
 * Errors answer the acknowledgement with `{error: {statusCode, code, message}}`.
 */
@WebSocketGateway({ namespace: '/live' })
@UseFilters(SessionWsExceptionFilter)
@UsePipes(createValidationPipe())
@UseGuards(AuthGuard)
export class LiveGateway implements OnGatewayInit {
  constructor(
    private readonly sockets: SessionSockets,
    private readonly cart: CartService,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use(this.sockets.middleware());
  }

  @SubscribeMessage('whoami')
  whoami(@SessionUser() user: SessionPrincipal) {
    return { user: { id: user.id, email: user.email, roles: user.roles } };
  }

  @SubscribeMessage('moderation:peek')
  @UseGuards(RolesGuard)
  @Roles('moderator')
  moderationPeek() {
    return { allowed: true };
  }

  /** Adds to the session's cart in one atomic read-modify-write of the stored session. */
  @SubscribeMessage('cart:add')
  async addToCart(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: AddCartItemDto,
  ): Promise<CartDto> {
    let cart: CartDto | undefined;
    await this.sockets.update(socket, (session) => {
      cart = this.cart.addToSession(session as CartSession, body.productId, body.quantity);
    });
    return cart as CartDto;
  }
}
