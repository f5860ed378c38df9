import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { IsInt, IsString, Length, Matches, Min, ValidateIf } from 'class-validator';
import { BODY_MAX, TITLE_MAX } from '../posts/posts.dto';

const NOT_BLANK = /\S/;

@ArgsType()
export class PostIdArgs {
  @Field(() => ID)
  @IsString()
  @Length(1, 64)
  id!: string;
}

@ArgsType()
export class UpdatePostArgs extends PostIdArgs {
  @Field(() => String, { nullable: true })
  @ValidateIf((_args: UpdatePostArgs, value: unknown) => value !== undefined)
  @IsString()
  @Length(1, TITLE_MAX)
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  title?: string;

  @Field(() => String, { nullable: true })
  @ValidateIf((_args: UpdatePostArgs, value: unknown) => value !== undefined)
  @IsString()
  @Length(1, BODY_MAX)
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  body?: string;
}

@ArgsType()
export class AddToCartArgs {
  @Field(() => ID)
  @IsString()
  @Length(1, 64)
  productId!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  quantity!: number;
}
