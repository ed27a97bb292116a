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
  Tooltip,
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
  hamburger: {
    color: tokens.colorNeutralForegroundOnBrand,
    ':hover': { color: tokens.colorNeutralForegroundOnBrand },
    ':hover:active': { color: tokens.colorNeutralForegroundOnBrand },
  },
});

function useNavState() {
  const route = useHaul((s) => s.ui.route);
  const navigate = useHaul((s) => s.ui.navigate);
  const section = sectionOf(route);
  return {
    selectedValue: section ?? '',
    onNavItemSelect: (_e: unknown, data: { value: string }) => {
      const entry = NAV.find((n) => n.section === data.value);
      if (entry) navigate(entry.route);
    },
  };
}

/** The nav beside the screen: labelled when wide, icons when medium; nothing when narrow (see NavMenuButton). */
export function AppNav({ size }: { size: FrameSize }) {
  const styles = useStyles();
  const state = useNavState();
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
            {NAV.map(({ section, label, icon: Icon }) => (
              <NavItem key={section} value={section} icon={<Icon />}>
                {label}
              </NavItem>
            ))}
          </nav>
        </NavDrawerBody>
      </NavDrawer>
    );
  const rail = size === 'medium';
  return (
    <nav aria-label="Haul" data-testid="app-nav" data-size={size}>
      <NavDrawer {...state} type="inline" open className={rail ? styles.rail : styles.wide}>
        <NavDrawerBody className={rail ? styles.railBody : undefined}>
          {NAV.map(({ section, label, icon: Icon }) =>
            rail ? (
              <Tooltip key={section} content={label} relationship="label" positioning="after" withArrow>
                <NavItem value={section} icon={<Icon />} className={styles.railItem} />
              </Tooltip>
            ) : (
              <NavItem key={section} value={section} icon={<Icon />}>
                {label}
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
