import { type BookmarkManager, bookmarkManager } from '@bolt/client/node';
import { customAuthManager, providerAuthManager } from '../auth.js';
import type { Context } from '../context.js';

type Data = Record<string, any>;

/**
 * `NewBookmarkManager`: the client's default manager, extended the way the interface allows
 * (a `BookmarkManager` is any object with `getBookmarks` / `updateBookmarks`): with a supplier
 * registered, each `getBookmarks()` adds what testkit's supplier returns; with a consumer
 * registered, each update sends testkit the new set.
 */
export function NewBookmarkManager(ctx: Context, d: Data): void {
  const id = ctx.id();
  const inner = bookmarkManager({ initialBookmarks: d.initialBookmarks ?? [] });
  const manager: BookmarkManager = {
    async getBookmarks() {
      const own = [...(await inner.getBookmarks())];
      if (!d.bookmarksSupplierRegistered) return own;
      const supplied = await ctx.ask<string[]>('BookmarksSupplierRequest', (requestId) => ({
        id: requestId,
        bookmarkManagerId: id,
      }));
      return [...new Set([...own, ...supplied])];
    },
    async updateBookmarks(previous, next) {
      const nextList = [...next];
      await inner.updateBookmarks(previous, nextList);
      if (!d.bookmarksConsumerRegistered || nextList.length === 0) return;
      const bookmarks = [...(await inner.getBookmarks())];
      await ctx.ask('BookmarksConsumerRequest', (requestId) => ({
        id: requestId,
        bookmarkManagerId: id,
        bookmarks,
      }));
    },
  };
  ctx.bookmarkManagers.set(id, manager);
  ctx.write('BookmarkManager', { id });
}

export function BookmarkManagerClose(ctx: Context, d: Data): void {
  ctx.bookmarkManagers.delete(Number(d.id));
  ctx.write('BookmarkManager', { id: d.id });
}

export function BookmarksSupplierCompleted(ctx: Context, d: Data): void {
  ctx.answer(d.requestId, d.bookmarks ?? []);
}

export function BookmarksConsumerCompleted(ctx: Context, d: Data): void {
  ctx.answer(d.requestId, undefined);
}

export function NewAuthTokenManager(ctx: Context): void {
  const id = ctx.id();
  ctx.authManagers.set(id, customAuthManager(ctx, id));
  ctx.write('AuthTokenManager', { id });
}

export function NewBasicAuthTokenManager(ctx: Context): void {
  const id = ctx.id();
  ctx.authManagers.set(id, providerAuthManager(ctx, id, 'Basic'));
  ctx.write('BasicAuthTokenManager', { id });
}

export function NewBearerAuthTokenManager(ctx: Context): void {
  const id = ctx.id();
  ctx.authManagers.set(id, providerAuthManager(ctx, id, 'Bearer'));
  ctx.write('BearerAuthTokenManager', { id });
}

export function AuthTokenManagerClose(ctx: Context, d: Data): void {
  ctx.authManagers.delete(Number(d.id));
  ctx.write('AuthTokenManager', { id: d.id });
}

export function AuthTokenManagerGetAuthCompleted(ctx: Context, d: Data): void {
  ctx.answer(d.requestId, d.auth);
}

export function AuthTokenManagerHandleSecurityExceptionCompleted(ctx: Context, d: Data): void {
  ctx.answer(d.requestId, d.handled);
}

export function BasicAuthTokenProviderCompleted(ctx: Context, d: Data): void {
  ctx.answer(d.requestId, d.auth);
}

export function BearerAuthTokenProviderCompleted(ctx: Context, d: Data): void {
  ctx.answer(d.requestId, d.auth);
}

export function ResolverResolutionCompleted(ctx: Context, d: Data): void {
  ctx.answer(d.requestId, d.addresses ?? []);
}

export function DomainNameResolutionCompleted(ctx: Context, d: Data): void {
  ctx.answer(d.requestId, d.addresses ?? []);
}
