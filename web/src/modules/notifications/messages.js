// 我的通知 (notifications): the module's texts; both languages have the same keys
// (tests/e2e/web_modules.test.mjs checks). src/i18n/index.js merges them into the catalogue.
export default {
  'zh-CN': {
    notify: {
      home: { unread: '未读通知' },
      title: '我的通知',
      all: '全部',
      unread: '未读',
      read: '已读',
      markRead: '标为已读',
      markAllRead: '全部标为已读',
      empty: '暂无通知',
      new: '新通知',
      // 变更记录 / 审计日志 (index.js history)
      hist: { notification: '通知', read: '标为已读', read_all: '全部标为已读', readAt: '阅读时间', count: '数量' },
    },
  },
  en: {
    notify: {
      home: { unread: 'Unread notifications' },
      title: 'My notifications',
      all: 'All',
      unread: 'Unread',
      read: 'Read',
      markRead: 'Mark as read',
      markAllRead: 'Mark all as read',
      empty: 'No notifications',
      new: 'New notification',
      // History / audit log (index.js history)
      hist: { notification: 'Notification', read: 'Mark as read', read_all: 'Mark all as read', readAt: 'Read at', count: 'Count' },
    },
  },
}
