import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('User')
export class UserModel {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field(() => [String]) roles!: string[];
}

@ObjectType('Post')
export class PostModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) ownerId!: string;
  @Field() title!: string;
  @Field() body!: string;
}

@ObjectType('CartItem')
export class CartItemModel {
  @Field(() => ID) productId!: string;
  @Field() name!: string;
  @Field(() => Int) price!: number;
  @Field(() => Int) quantity!: number;
  @Field(() => Int) subtotal!: number;
}

@ObjectType('Cart')
export class CartModel {
  @Field(() => [CartItemModel]) items!: CartItemModel[];
  @Field(() => Int) total!: number;
  @Field(() => Int) count!: number;
}
