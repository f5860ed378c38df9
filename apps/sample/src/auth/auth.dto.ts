import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'user@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'user-password-1' })
  @IsString()
  @Length(1, 256)
  password!: string;

  @ApiPropertyOptional({ description: 'Keep the cookie after the browser closes' })
  @IsOptional()
  @IsBoolean()
  rememberMe?: boolean;
}

export class ReauthDto {
  @ApiProperty()
  @IsString()
  @Length(1, 256)
  password!: string;
}
