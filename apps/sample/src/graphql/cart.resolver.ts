import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Session, type AppSession } from 'nest-session-kit';
import { CartService } from '../cart/cart.service';
import { CartModel } from './graphql.models';
import { AddToCartArgs } from './graphql.args';

/** The session's cart over GraphQL: the REST rules, saved before the response. */
@Resolver(() => CartModel)
export class CartResolver {
  constructor(private readonly cart: CartService) {}

  @Mutation(() => CartModel)
  addToCart(@Session() session: AppSession, @Args() { productId, quantity }: AddToCartArgs) {
    return this.cart.add(session, productId, quantity);
  }
}
