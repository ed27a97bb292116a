// The app's navigation with Fluent's Nav components, in three forms by the window's width: items
// with labels (900 px and wider), icons with their label on hover and for screen readers (600 to
// 900 px), and a menu behind the hamburger button (narrower). One tab stop: arrow keys move between
// the items.
import {
  Hamburger,
  makeStyles,
  NavDrawer,
  NavDrawerBody,
  NavDrawerHeader,
  NavItem,
  tokens,
} from '@fluentui/react-components';
import type { FluentIcon } from '@fluentui/react-icons';
import {
  BriefcaseFilled,
  BriefcaseRegular,
  bundleIcon,
  HardDriveFilled,
  HardDriveRegular,
  SettingsFilled,
  SettingsRegular,
} from '@fluentui/react-icons';
import { sectionOf, type Route, type Section } from '../routes';
import { useHaul } from '../store';
import type { FrameSize } from '../hooks/useMediaQuery';

interface NavEntry {
  section: Section;
  label: string;
  icon: FluentIcon;
  route: Route;
}

const NAV: NavEntry[] = [
  { section: 'jobs', label: 'Jobs', icon: bundleIcon(BriefcaseFilled, BriefcaseRegular), route: { name: 'jobs' } },
  {
    section: 'drives',
    label: 'Drives',
    icon: bundleIcon(HardDriveFilled, HardDriveRegular),
    route: { name: 'drives' },
  },
  {
    section: 'settings',
    label: 'Settings',
    icon: bundleIcon(SettingsFilled, SettingsRegular),
    route: { name: 'settings' },
  },
];

const useStyles = makeStyles({
  wide: { width: '184px', height: '100%', borderRight: `1px solid ${tokens.colorNeutralStroke2}` },
  rail: { width: '60px', height: '100%', borderRight: `1px solid ${tokens.colorNeutralStroke2}` },
  railBody: { paddingInline: tokens.spacingHorizontalXS },
  railItem: { justifyContent: 'center', paddingInline: 0 },
  menu: { width: 'min(280px, 85vw)' },
  navBox: { height: '100%' },
  hamburger: {
    color: tokens.colorNeutralForegroundOnBrand,
    ':hover': { color: tokens.colorNeutralForegroundOnBrand },
    ':hover:active': { color: tokens.colorNeutralForegroundOnBrand },
  },
});

function useNavState() {
  const route = useHaul((s) => s.ui.route);
  return { selectedValue: sectionOf(route) ?? '' };
}

/**
 * Each item navigates on its own click: Fluent's onNavItemSelect ignores a click whose target is the
 * icon's SVG (not an HTML element), which is all an icon-only item shows.
 */
function useGo() {
  const navigate = useHaul((s) => s.ui.navigate);
  return (entry: NavEntry) => () => navigate(entry.route);
}

/** The nav beside the screen: labelled when wide, icons when medium; nothing when narrow (see NavMenuButton). */
export function AppNav({ size }: { size: FrameSize }) {
  const styles = useStyles();
  const state = useNavState();
  const go = useGo();
  const open = useHaul((s) => s.ui.menuOpen);
  const setOpen = useHaul((s) => s.ui.setMenuOpen);
  if (size === 'narrow')
    return (
      <NavDrawer
        {...state}
        type="overlay"
        open={open}
        onOpenChange={(_e, d) => setOpen(d.open)}
        className={styles.menu}
        aria-label="Haul"
        data-testid="nav-menu"
      >
        <NavDrawerHeader>
          <Hamburger onClick={() => setOpen(false)} aria-label="Close the menu" />
        </NavDrawerHeader>
        <NavDrawerBody>
          <nav aria-label="Haul">
            {NAV.map((entry) => (
              <NavItem key={entry.section} value={entry.section} icon={<entry.icon />} onClick={go(entry)}>
                {entry.label}
              </NavItem>
            ))}
          </nav>
        </NavDrawerBody>
      </NavDrawer>
    );
  const rail = size === 'medium';
  return (
    <nav aria-label="Haul" data-testid="app-nav" data-size={size} className={styles.navBox}>
      <NavDrawer {...state} type="inline" open className={rail ? styles.rail : styles.wide}>
        <NavDrawerBody className={rail ? styles.railBody : undefined}>
          {NAV.map((entry) =>
            rail ? (
              <NavItem
                key={entry.section}
                value={entry.section}
                icon={<entry.icon />}
                className={styles.railItem}
                aria-label={entry.label}
                title={entry.label}
                onClick={go(entry)}
              />
            ) : (
              <NavItem key={entry.section} value={entry.section} icon={<entry.icon />} onClick={go(entry)}>
                {entry.label}
              </NavItem>
            ),
          )}
        </NavDrawerBody>
      </NavDrawer>
    </nav>
  );
}

/** The header's menu button, shown only when the nav is a menu. */
export function NavMenuButton() {
  const styles = useStyles();
  const open = useHaul((s) => s.ui.menuOpen);
  const setOpen = useHaul((s) => s.ui.setMenuOpen);
  return (
    <Hamburger
      className={styles.hamburger}
      aria-label="Menu"
      aria-expanded={open}
      onClick={() => setOpen(!open)}
      data-testid="nav-menu-button"
    />
  );
}
